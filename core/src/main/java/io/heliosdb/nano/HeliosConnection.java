package io.heliosdb.nano;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A JDBC connection to a HeliosDB database, reached with {@code
 * connection.unwrap(HeliosConnection.class)}. LISTEN, UNLISTEN and NOTIFY run as ordinary
 * statements; this interface adds what pgjdbc's {@code PGConnection} offers for them.
 */
public interface HeliosConnection extends Connection {

  /** The notifications queued for this connection, at once; an empty array when there are none. */
  Notification[] getNotifications() throws SQLException;

  /**
   * Like pgjdbc: returns at once with what is queued; otherwise waits up to {@code timeoutMillis}
   * for at least one notification (0 waits without limit) and returns all that are queued then.
   */
  Notification[] getNotifications(int timeoutMillis) throws SQLException;

  /**
   * The next queued notification (or overflow marker), or null at once when there is none: for a
   * front end that takes only as many as its client reads, where {@link #getNotifications()} takes
   * the whole queue.
   */
  Notification nextNotification() throws SQLException;

  /**
   * Whether this connection's queue is dropping notifications: some were dropped that no overflow
   * marker in it reports yet (see {@link Subscription#isOverflowing()}). Quick; may be called from
   * the signal of {@link #onNotification}.
   */
  boolean isNotificationQueueOverflowing() throws SQLException;

  /**
   * Registers {@code signal} to run whenever a notification is queued for this connection (after
   * its commit), on the committing thread: it must be quick and must not block, e.g. schedule a
   * task that calls {@link #getNotifications()}. For event loops that cannot block in {@link
   * #getNotifications(int)}. Poll once after registering: notifications queued before are not
   * signalled. Null removes the signal.
   */
  void onNotification(Runnable signal) throws SQLException;

  /**
   * Whether a transaction is open on this connection: after {@code BEGIN} or {@code SAVEPOINT}
   * until it ends, or while auto-commit is off (PostgreSQL's "in transaction block"). A trigger's
   * {@code RAISE(ROLLBACK)} ends it as well.
   */
  boolean inTransaction() throws SQLException;

  /** The process id this connection's notifications carry as their sender. */
  int getBackendPID();

  /**
   * {@code pg_notify(channel, payload)}: part of the open transaction, or its own in autocommit.
   */
  void notify(String channel, String payload) throws SQLException;

  /** The channels this connection listens to (what {@code pg_listening_channels()} returns). */
  List<String> listeningChannels() throws SQLException;

  /**
   * For a front end with sessions of its own (the wire server): the user that SQL's {@code
   * current_user()}, {@code session_user()} and {@code user()} report; the lookup {@code
   * current_setting(name)} reads, which returns null for an unknown parameter (then {@code
   * current_setting} fails with 42704, or returns NULL when asked with {@code missing_ok}); and
   * what {@code set_config(name, value, is_local)} calls, which returns the value set or throws
   * IllegalArgumentException with the message to report. Without it, the user is the JVM's {@code
   * user.name}, a few fixed parameters are known ({@code server_version}, {@code client_encoding},
   * {@code TimeZone}, ...) and set_config() keeps what it sets for current_setting().
   */
  void setSessionParameters(
      String user, Function<String, String> settings, BiFunction<String, String, String> set)
      throws SQLException;
}
