package io.heliosdb.nano.wire.messages;

import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;

/**
 * An error with a hint: the ErrorResponse's {@code H} field, which psql prints as {@code HINT:} on
 * a line of its own and pgjdbc adds to the exception's message as {@code Hint:}.
 */
public final class HintedSqlException extends HeliosSqlException {
  private static final long serialVersionUID = 1L;

  private final String hint;

  public HintedSqlException(SqlState state, String message, String hint, Throwable cause) {
    super(state, message, cause);
    this.hint = hint;
  }

  /** What to do about it. */
  public String hint() {
    return hint;
  }
}
