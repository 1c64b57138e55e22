package io.heliosdb.nano.engine;

import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import java.sql.SQLException;
import org.sqlite.Function;
import org.sqlite.SQLiteConnection;

/**
 * The SQL face of durable consumers, for workers that reach the database over the wire:
 *
 * <ul>
 *   <li>{@code heliosdb_consumer_create(name, channels [, start_at])}: creates a consumer of a
 *       comma-separated list of durable channels, starting at {@code 'beginning'} (default) or
 *       {@code 'end'}, unless it exists; returns its position.
 *   <li>{@code heliosdb_claim(consumer [, max])}: claims up to {@code max} (default 10)
 *       notifications, committed at once; a JSON array of {@code {"id", "channel", "payload",
 *       "sender_pid", "attempt"}}.
 *   <li>{@code heliosdb_ack(consumer, id)}: done, as part of the caller's transaction.
 *   <li>{@code heliosdb_nack(consumer, id, error)}: failed; retried after the backoff or
 *       dead-lettered, committed at once.
 *   <li>{@code heliosdb_consumer_drop(name)}: removes the consumer and its claims (retention stops
 *       waiting for it), committed at once; 1 if it existed, else 0.
 * </ul>
 */
final class ConsumerFunctions {
  private static final int INNOCUOUS = 0x200000;
  private static final int SQLITE_INTEGER = 1;
  private static final int SQLITE_NULL = 5;
  private static final int MAX_CLAIM = 1000;

  private ConsumerFunctions() {}

  static void register(SQLiteConnection conn, SessionView session) throws SQLException {
    ConsumerAck ack = new ConsumerAck(conn);
    Function.create(
        conn,
        "_heliosdb_ack_arg",
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            Object v = ack.arg(value_int(0));
            if (v instanceof Long l) {
              result(l);
            } else {
              result((String) v);
            }
          }
        },
        1,
        INNOCUOUS);
    Function.create(
        conn,
        "heliosdb_ack",
        new Checked("heliosdb_ack", 2, "consumer", "id") {
          @Override
          void call() throws SQLException {
            String problem = ack.ack(value_text(0), integer(1));
            if (problem != null) {
              error(problem);
            } else {
              result(1);
            }
          }
        },
        2,
        INNOCUOUS);
    Function.create(
        conn,
        "heliosdb_claim",
        new Checked("heliosdb_claim", 1, "consumer", "max") {
          @Override
          void call() throws SQLException {
            long max = args() > 1 ? integer(1) : 10;
            if (max < 1 || max > MAX_CLAIM) {
              error("heliosdb_claim: max must be from 1 to " + MAX_CLAIM + ", not " + max);
            } else {
              result(session.claim(value_text(0), (int) max));
            }
          }
        },
        -1,
        INNOCUOUS);
    Function.create(
        conn,
        "heliosdb_nack",
        new Checked("heliosdb_nack", 3, "consumer", "id", null) {
          @Override
          void call() throws SQLException {
            String text = value_type(2) == SQLITE_NULL ? "" : value_text(2);
            result(session.nack(value_text(0), integer(1), text));
          }
        },
        3,
        INNOCUOUS);
    Function.create(
        conn,
        "heliosdb_consumer_create",
        new Checked("heliosdb_consumer_create", 2, "name", "channels", "start_at") {
          @Override
          void call() throws SQLException {
            String startAt = args() > 2 ? value_text(2) : "beginning";
            result(session.createConsumer(value_text(0), value_text(1), startAt));
          }
        },
        -1,
        INNOCUOUS);
    Function.create(
        conn,
        "heliosdb_consumer_drop",
        new Checked("heliosdb_consumer_drop", 1, "name") {
          @Override
          void call() throws SQLException {
            result(session.dropConsumer(value_text(0)) ? 1 : 0);
          }
        },
        1,
        INNOCUOUS);
  }

  /**
   * A consumer function: checks the number of arguments and that those named are not NULL, and
   * reports a failure of the call as the function's error (the statement fails with it), with the
   * message of the failure alone: {@link io.heliosdb.nano.error.SqliteErrors} gives it its SQLSTATE
   * from the words.
   */
  private abstract static class Checked extends Function {
    private final String function;
    private final int min;
    private final String[] names;

    /**
     * @param names the arguments' names, in order; null for one that may be NULL
     */
    Checked(String function, int min, String... names) {
      this.function = function;
      this.min = min;
      this.names = names;
    }

    abstract void call() throws SQLException;

    /** Argument {@code i} as an integer: an integer, or text that reads as one. */
    long integer(int i) throws SQLException {
      if (value_type(i) == SQLITE_INTEGER) {
        return value_long(i);
      }
      String text = value_text(i);
      try {
        return Long.parseLong(text.strip());
      } catch (NumberFormatException e) {
        throw new HeliosSqlException(
            SqlState.INVALID_PARAMETER_VALUE,
            function + ": " + names[i] + " must be an integer, not '" + text + "'");
      }
    }

    @Override
    protected void xFunc() throws SQLException {
      int n = args();
      if (n < min || n > names.length) {
        error(
            "wrong number of arguments to function "
                + function
                + "(): takes "
                + (min == names.length ? min : min + " or " + names.length));
        return;
      }
      for (int i = 0; i < n; i++) {
        if (names[i] != null && value_type(i) == SQLITE_NULL) {
          error(function + ": " + names[i] + " must not be NULL");
          return;
        }
      }
      try {
        call();
      } catch (SQLException e) {
        // A failure of sqlite-jdbc's carries "[SQLITE_BUSY] ..." around its message: drop it.
        error(HeliosSqlException.translate(e).getMessage());
      }
    }
  }
}
