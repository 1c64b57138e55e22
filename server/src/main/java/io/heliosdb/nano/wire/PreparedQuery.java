package io.heliosdb.nano.wire;

import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.wire.messages.BackendMessages;
import io.heliosdb.nano.wire.sql.QuickStatements;
import io.heliosdb.nano.wire.types.PgColumn;
import io.heliosdb.nano.wire.types.PgType;
import io.heliosdb.nano.wire.types.PgValues;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * A statement of the extended protocol after Parse. {@code ps} is null for an empty or text-only
 * one (SET, SHOW, LISTEN...); {@code columns} null when it returns no rows. {@code heldBytes} is
 * what it took from {@link PreparedMemory}, given back when it is closed. {@code quick} says
 * whether it may take the short path ({@link QuickStatements}).
 */
record PreparedQuery(
    String sql,
    String verb,
    int[] parameterTypes,
    int usedParameters,
    PreparedStatement ps,
    List<PgColumn> columns,
    long heldBytes,
    QuickStatements.Kind quick) {

  /**
   * Checks a Bind's result format codes: one for all columns or one each, 0 (text) or 1 (binary),
   * binary only for types that have it.
   *
   * @throws SQLException 08P01 for a wrong count or code, 0A000 for binary where it is not had
   */
  void checkResultFormats(short[] formats) throws SQLException {
    List<PgColumn> cs = columns == null ? List.of() : columns;
    if (formats.length > 1 && formats.length != cs.size()) {
      throw new HeliosSqlException(
          SqlState.PROTOCOL_VIOLATION,
          "bind message has "
              + formats.length
              + " result formats but query has "
              + cs.size()
              + " columns");
    }
    for (int i = 0; i < cs.size(); i++) {
      short f = BackendMessages.formatCode(formats, i);
      PgType type = cs.get(i).type();
      if (f == 1 && !PgValues.hasBinary(type)) {
        throw new HeliosSqlException(
            SqlState.FEATURE_NOT_SUPPORTED,
            "binary format is not supported for result columns of type "
                + type.name().toLowerCase(Locale.ROOT)
                + " (column \""
                + cs.get(i).name()
                + "\"); ask for text");
      } else if (f != 0 && f != 1) {
        throw new HeliosSqlException(SqlState.PROTOCOL_VIOLATION, "unsupported format code: " + f);
      }
    }
  }
}
