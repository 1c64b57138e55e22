package io.heliosdb.nano.error;

import java.sql.SQLException;

/** A {@link SQLException} whose SQLSTATE is one of ours. */
public class HeliosSqlException extends SQLException {
  private static final long serialVersionUID = 1L;

  public HeliosSqlException(SqlState state, String message) {
    super(message, state.code());
  }

  public HeliosSqlException(SqlState state, String message, Throwable cause) {
    super(message, state.code(), cause);
  }

  /**
   * Re-labels an exception from sqlite-jdbc with the PostgreSQL SQLSTATE it stands for, keeping the
   * original as the cause. Exceptions that already carry one of our states are returned as they
   * are.
   */
  public static SQLException translate(SQLException e) {
    if (e instanceof HeliosSqlException) {
      return e;
    }
    SqlState state = SqliteErrors.stateOf(e);
    return new HeliosSqlException(state, cleanMessage(e.getMessage()), e);
  }

  /** sqlite-jdbc prefixes messages with "[SQLITE_X] description (detail)"; keep the detail. */
  static String cleanMessage(String message) {
    if (message == null) {
      return "unknown error";
    }
    int open = message.indexOf('(');
    if (message.startsWith("[SQLITE_") && open > 0 && message.endsWith(")")) {
      return message.substring(open + 1, message.length() - 1);
    }
    return message;
  }
}
