package io.heliosdb.nano.engine;

import java.sql.SQLException;

/** What SQL functions registered by the engine may ask of the session that owns the connection. */
public interface SessionView {
  /** The session's process id, recorded as the sender of its durable notifications. */
  int pid();

  /** Channels this session listens to, as a JSON array of strings. */
  String listeningChannelsJson();

  /** Fraction (0 to 1) of the fullest notification queue of this database. */
  double notificationQueueUsage();

  /** The user name {@code current_user} and {@code session_user} report. */
  String user();

  /** A run-time parameter's value for {@code current_setting(name)}; null when there is none. */
  String setting(String name);

  /**
   * {@code set_config(name, value, is_local)}: sets a run-time parameter and returns its new value.
   *
   * @throws IllegalArgumentException with the message to report when the value is refused
   */
  String setSetting(String name, String value);

  /**
   * {@code heliosdb_claim(consumer, max)}: claims up to {@code max} notifications for this session,
   * committed at once on a connection of its own (like PostgreSQL's {@code nextval()}, it does not
   * roll back with the caller's transaction), and returns them as a JSON array.
   */
  String claim(String consumer, int max) throws SQLException;

  /**
   * {@code heliosdb_nack(consumer, id, error)}: gives a claimed notification back after a failure,
   * to be retried after the consumer's backoff or dead-lettered; committed at once, like {@link
   * #claim}. Returns {@code retry}, {@code dead_letter} or {@code not_claimed}.
   */
  String nack(String consumer, long id, String error) throws SQLException;

  /**
   * {@code heliosdb_consumer_create(name, channels, start_at)}: creates a consumer over a
   * comma-separated list of durable channels unless it exists; returns its position.
   */
  long createConsumer(String name, String channels, String startAt) throws SQLException;

  /**
   * {@code heliosdb_consumer_drop(name)}: removes a consumer and its claims, committed at once;
   * whether it existed.
   */
  boolean dropConsumer(String name) throws SQLException;

  /**
   * Takes an advisory lock for this session: {@code key} is a bigint key, or with {@code pair} two
   * int4 keys packed high and low (a different lock from the same bigint).
   *
   * @param shared a shared lock, else exclusive
   * @param xact held until the transaction ends, else until unlocked or the session ends
   * @param wait wait for it (with a bound: see the implementation), else return false at once
   * @return whether it was taken
   */
  boolean advisoryLock(long key, boolean pair, boolean shared, boolean xact, boolean wait)
      throws SQLException;

  /**
   * Releases one session-level hold of an advisory lock; false (with a WARNING for the statement)
   * when this session holds none in that mode.
   */
  boolean advisoryUnlock(long key, boolean pair, boolean shared);

  /** {@code pg_advisory_unlock_all()}: releases every session-level advisory lock. */
  void advisoryUnlockAll();
}
