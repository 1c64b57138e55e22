package io.heliosdb.nano.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Mappings that the end-to-end tests cannot reach on every machine: a read-only file cannot be made
 * as root (CI runs as root), and errors raised inside a function arrive as their message.
 */
class SqliteErrorsTest {
  @Test
  void everyReadOnlyVariantIs25006() {
    for (SQLiteErrorCode code : SQLiteErrorCode.values()) {
      if (code.name().startsWith("SQLITE_READONLY")) {
        assertThat(SqliteErrors.stateOf(new SQLiteException("readonly", code)))
            .as(code.name())
            .isEqualTo(SqlState.READ_ONLY_SQL_TRANSACTION);
      }
    }
  }

  @Test
  void anErrorRaisedInsideAFunctionKeepsTheStateItsMessageNames() {
    assertThat(
            stateOfFunctionError("[SQLITE_BUSY] The database file is locked (database is locked)"))
        .isEqualTo(SqlState.LOCK_NOT_AVAILABLE);
    assertThat(stateOfFunctionError("attempt to write a readonly database"))
        .isEqualTo(SqlState.READ_ONLY_SQL_TRANSACTION);
    assertThat(stateOfFunctionError("database or disk is full")).isEqualTo(SqlState.DISK_FULL);
  }

  private static SqlState stateOfFunctionError(String message) {
    SQLException e = new SQLiteException(message, SQLiteErrorCode.SQLITE_ERROR);
    return SqliteErrors.stateOf(e);
  }
}
