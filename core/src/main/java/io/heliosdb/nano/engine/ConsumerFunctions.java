package io.heliosdb.nano.engine;

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
 * </ul>
 */
final class ConsumerFunctions {
  private static final int INNOCUOUS = 0x200000;
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
        new Checked(2, 2) {
          @Override
          void call() throws SQLException {
            String problem = ack.ack(value_text(0), value_long(1));
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
        new Checked(1, 2) {
          @Override
          void call() throws SQLException {
            int max = args() > 1 ? value_int(1) : 10;
            if (max < 1 || max > MAX_CLAIM) {
              error("heliosdb_claim: max must be from 1 to " + MAX_CLAIM + ", not " + max);
            } else {
              result(session.claim(value_text(0), max));
            }
          }
        },
        -1,
        INNOCUOUS);
    Function.create(
        conn,
        "heliosdb_nack",
        new Checked(3, 3) {
          @Override
          void call() throws SQLException {
            String text = value_type(2) == SQLITE_NULL ? "" : value_text(2);
            result(session.nack(value_text(0), value_long(1), text));
          }
        },
        3,
        INNOCUOUS);
    Function.create(
        conn,
        "heliosdb_consumer_create",
        new Checked(2, 3) {
          @Override
          void call() throws SQLException {
            String startAt = args() > 2 ? value_text(2) : "beginning";
            result(session.createConsumer(value_text(0), value_text(1), startAt));
          }
        },
        -1,
        INNOCUOUS);
  }

  /**
   * A consumer function: checks the number of arguments and that the first two are not NULL, and
   * reports a failure of the call as the function's error (the statement fails with it).
   */
  private abstract static class Checked extends Function {
    private final int min;
    private final int max;

    Checked(int min, int max) {
      this.min = min;
      this.max = max;
    }

    abstract void call() throws SQLException;

    @Override
    protected void xFunc() throws SQLException {
      int n = args();
      if (n < min || n > max) {
        error("wrong number of arguments: takes " + (min == max ? min : min + " or " + max));
        return;
      }
      for (int i = 0; i < Math.min(n, 2); i++) {
        if (value_type(i) == SQLITE_NULL) {
          error("a consumer name or notification id must not be NULL");
          return;
        }
      }
      try {
        call();
      } catch (SQLException e) {
        error(e.getMessage());
      }
    }
  }
}
