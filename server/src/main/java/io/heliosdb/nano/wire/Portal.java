package io.heliosdb.nano.wire;

import io.heliosdb.nano.session.CommandTags;
import io.heliosdb.nano.wire.messages.BackendMessages;
import io.heliosdb.nano.wire.types.PgColumn;
import io.heliosdb.nano.wire.types.PgType;
import io.heliosdb.nano.wire.types.PgValues;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * A bound statement of the extended protocol: its values (bound when it runs), its result formats,
 * and its rows while suspended by an Execute with a row limit. {@code heldBytes} is what it took
 * from {@link PreparedMemory}, given back when it is closed.
 */
final class Portal {
  final PreparedQuery statement;
  final Object[] values;
  final short[] formats;
  final long heldBytes;
  ResultSet rows;
  long count;
  String tag;

  Portal(PreparedQuery statement, Object[] values, short[] formats, long heldBytes) {
    this.statement = statement;
    this.values = values;
    this.formats = formats;
    this.heldBytes = heldBytes;
  }

  /** Sends up to {@code maxRows} rows (0: all), then CommandComplete or PortalSuspended. */
  void fetch(int maxRows, ExtendedSink sink) throws SQLException {
    List<PgColumn> columns = statement.columns();
    int n = rows.getMetaData().getColumnCount();
    byte[][] values = new byte[n][];
    for (int sent = 0; maxRows <= 0 || sent < maxRows; sent++) {
      if (!rows.next()) {
        closeRows();
        tag = CommandTags.of(statement.sql(), count, true);
        sink.commandComplete(tag);
        return;
      }
      for (int i = 0; i < n; i++) {
        PgColumn column = columns != null && i < columns.size() ? columns.get(i) : null;
        PgType type = column != null ? column.type() : PgType.TEXT;
        Object v = rows.getObject(i + 1);
        if (BackendMessages.formatCode(formats, i) == 1) {
          values[i] = PgValues.binary(type, v);
        } else {
          String text = column != null ? column.encode(v) : type.encode(v);
          values[i] = text == null ? null : text.getBytes(StandardCharsets.UTF_8);
        }
      }
      sink.dataRow(values);
      count++;
    }
    sink.portalSuspended();
  }

  /** Closes the open rows, if any. */
  void closeRows() {
    if (rows != null) {
      try {
        rows.close();
      } catch (SQLException e) {
        // closing: nothing to tell the client
      }
      rows = null;
    }
  }
}
