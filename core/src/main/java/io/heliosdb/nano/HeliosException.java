package io.heliosdb.nano;

import io.heliosdb.nano.error.SqlState;
import java.sql.SQLException;

/**
 * An error from the embedded API, carrying the PostgreSQL SQLSTATE of the failure (for example
 * {@code 22023} for a payload that is too long, {@code 23505} for a unique violation).
 */
public class HeliosException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String sqlState;

  public HeliosException(String sqlState, String message, Throwable cause) {
    super(message, cause);
    this.sqlState = sqlState;
  }

  HeliosException(SqlState state, String message) {
    this(state.code(), message, null);
  }

  static HeliosException wrap(SQLException e) {
    String state = e.getSQLState() == null ? SqlState.INTERNAL_ERROR.code() : e.getSQLState();
    return new HeliosException(state, e.getMessage(), e);
  }

  /** The five-character PostgreSQL SQLSTATE. */
  public String sqlState() {
    return sqlState;
  }

  @Override
  public String toString() {
    return "HeliosException[" + sqlState + "]: " + getMessage();
  }
}
