package io.heliosdb.nano.session;

import io.heliosdb.nano.config.ChannelPatterns;
import io.heliosdb.nano.config.ConsumerSettings;
import io.heliosdb.nano.engine.ConsumerTables;
import io.heliosdb.nano.engine.DurableLog;
import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The bookkeeping of durable consumers, in short write transactions of their own on one connection
 * (a HeliosDB connection, so that dead letters are notifications like any other): creating a
 * consumer, claiming notifications with a lease, giving back a failed one for a retry after the
 * backoff or dead-lettering it, and freeing the claims of workers that are gone. Acknowledging is
 * not here: it runs in the worker's own transaction, through {@code heliosdb_ack()}.
 *
 * <p>One store per worker (claims name their worker); not thread-safe.
 */
public final class ConsumerStore implements AutoCloseable {
  /** One claimed notification. */
  public record Claimed(
      long id, String channel, String payload, int senderPid, String committedAt, int attempt) {}

  /** What became of a notification given back after a failure. */
  public enum Outcome {
    RETRY,
    DEAD_LETTER,
    /** The worker no longer held the claim: the lease ran out and another worker took it. */
    NOT_CLAIMED
  }

  private final Connection conn;
  private final String worker;
  private final ConsumerLeases leases;

  /** How often {@link #releaseDeadWorkersNowAndThen} looks for workers that are gone. */
  private static final long DEAD_CHECK_NANOS = 1_000_000_000L;

  /** When it last looked ({@code System.nanoTime()}); 0 before the first time. */
  private long deadCheckedAt;

  /**
   * A store working on {@code conn} (which it closes) for the worker called {@code worker}, a name
   * {@link WorkerNames} made; dead letters are cut to fit under {@code maxPayloadBytes}.
   */
  public ConsumerStore(Connection conn, String worker, int maxPayloadBytes) {
    this.conn = conn;
    this.worker = worker;
    this.leases = new ConsumerLeases(conn, maxPayloadBytes);
  }

  public String worker() {
    return worker;
  }

  /**
   * Creates the consumer {@code name} of {@code channels} unless it exists, and writes {@code
   * settings} into its row, and with {@code overwrite} also into an existing one (the last
   * starter's settings win); returns its position.
   *
   * @throws SQLException 22023 when a channel is not durable
   */
  public long create(
      String name,
      List<String> channels,
      ConsumerSettings settings,
      ChannelPatterns durable,
      boolean overwrite)
      throws SQLException {
    if (name == null || name.isEmpty()) {
      throw new HeliosSqlException(
          SqlState.INVALID_PARAMETER_VALUE, "a consumer needs a name that is not empty");
    }
    if (channels.isEmpty()) {
      throw new HeliosSqlException(
          SqlState.INVALID_PARAMETER_VALUE, "consumer \"" + name + "\" needs a channel");
    }
    for (String c : channels) {
      if (!durable.matches(c)) {
        throw new HeliosSqlException(
            SqlState.INVALID_PARAMETER_VALUE,
            "channel \""
                + c
                + "\" is not durable: a consumer reads durable channels (pubsub.durable_channels,"
                + " or a workflow step's)");
      }
    }
    String deadLetters = settings.deadLetterChannel(name);
    if (!durable.matches(deadLetters)) {
      throw new HeliosSqlException(
          SqlState.INVALID_PARAMETER_VALUE,
          "channel \""
              + deadLetters
              + "\" is not durable: consumer \""
              + name
              + "\" dead-letters there; add it, or \"*_dead_letter\", to pubsub.durable_channels");
    }
    ConsumerTables.create(conn);
    StringBuilder json = new StringBuilder("[");
    for (String c : channels) {
      if (json.length() > 1) {
        json.append(',');
      }
      Json.appendQuoted(json, c);
    }
    json.append(']');
    return inWriteTransaction(
        () -> {
          long start =
              settings.startAt() == ConsumerSettings.StartAt.END
                  ? single(
                      "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = '"
                          + DurableLog.TABLE
                          + "'), 0)")
                  : 0;
          try (PreparedStatement ps =
              conn.prepareStatement(
                  "INSERT INTO "
                      + ConsumerTables.STATE
                      + "(name, channels, position, claimed_up_to, lease_ms, max_attempts,"
                      + " backoff_ms, backoff_max_ms, dead_letter_channel, created_at)"
                      + " VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, ?8,"
                      + " strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) ON CONFLICT(name) DO "
                      + (overwrite
                          ? "UPDATE SET channels = ?2, lease_ms = ?4, max_attempts = ?5,"
                              + " backoff_ms = ?6, backoff_max_ms = ?7, dead_letter_channel = ?8"
                          : "NOTHING"))) {
            ps.setString(1, name);
            ps.setString(2, json.toString());
            ps.setLong(3, start);
            ps.setLong(4, settings.lease().toMillis());
            ps.setInt(5, settings.retryMaxAttempts());
            ps.setLong(6, settings.retryBackoff().toMillis());
            ps.setLong(7, settings.retryBackoffMax().toMillis());
            ps.setString(8, settings.deadLetterChannel(name));
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              conn.prepareStatement(
                  "SELECT position FROM " + ConsumerTables.STATE + " WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
  }

  /**
   * Claims up to {@code max} notifications of {@code consumer} for this worker: first those whose
   * lease ran out or whose retry is due (oldest first), then new ones; a notification whose lease
   * ran out on its last attempt (its worker keeps dying on it) is dead-lettered instead.
   */
  public List<Claimed> claim(String consumer, int max) throws SQLException {
    try {
      releaseDeadWorkersNowAndThen(consumer);
      return inWriteTransaction(
          () -> leases.claim(consumer, worker, max, System.currentTimeMillis()));
    } catch (SQLException e) {
      throw noTablesNoConsumer(consumer, e);
    }
  }

  /** A database where no consumer was ever created has no consumer tables: 42704, not 42P01. */
  private SQLException noTablesNoConsumer(String consumer, SQLException e) {
    String m = e.getMessage();
    return m != null && m.contains("no such table") && m.contains("heliosdb_consumer")
        ? unknown(consumer)
        : e;
  }

  /**
   * Gives back notification {@code id} after its handler failed with {@code error}: retried after
   * the backoff, or dead-lettered after the last attempt, on the consumer's dead-letter channel.
   *
   * @throws SQLException 42704 when the consumer does not exist
   */
  public Outcome fail(String consumer, long id, String error) throws SQLException {
    try {
      return inWriteTransaction(
          () -> leases.fail(consumer, id, worker, error, System.currentTimeMillis()));
    } catch (SQLException e) {
      throw noTablesNoConsumer(consumer, e);
    }
  }

  /**
   * How long until {@code consumer} may have work for a claim: 0 when it has now, else the
   * milliseconds until the next retry is due or the next lease runs out, {@code Long.MAX_VALUE}
   * when only a new notification can bring work. A read; takes no lock.
   */
  public long millisUntilWork(String consumer) throws SQLException {
    return leases.millisUntilWork(consumer, System.currentTimeMillis());
  }

  /**
   * Removes consumer {@code name} and its claims: retention no longer waits for it. Returns whether
   * it existed.
   */
  public boolean drop(String name) throws SQLException {
    ConsumerTables.create(conn);
    return inWriteTransaction(
        () -> {
          try (PreparedStatement claims =
                  conn.prepareStatement(
                      "DELETE FROM " + ConsumerTables.CLAIMS + " WHERE consumer = ?");
              PreparedStatement state =
                  conn.prepareStatement(
                      "DELETE FROM " + ConsumerTables.STATE + " WHERE name = ?")) {
            claims.setString(1, name);
            claims.executeUpdate();
            state.setString(1, name);
            return state.executeUpdate() == 1;
          }
        });
  }

  /** Frees this worker's claims without counting an attempt (the worker stops). */
  public void releaseAll() throws SQLException {
    inWriteTransaction(
        () -> {
          leases.release(worker);
          return null;
        });
  }

  /**
   * Frees at once the claims of {@code consumer} held by workers of processes on this machine that
   * are gone (killed), instead of waiting for their leases; returns how many.
   */
  public int releaseDeadWorkers(String consumer) throws SQLException {
    List<String> dead = new ArrayList<>();
    for (String w : leases.holders(consumer)) {
      if (!WorkerNames.isAlive(w)) {
        dead.add(w);
      }
    }
    if (dead.isEmpty()) {
      return 0;
    }
    return inWriteTransaction(
        () -> {
          int n = 0;
          for (String w : dead) {
            n += leases.freeHeldBy(consumer, w);
          }
          return n;
        });
  }

  /**
   * {@link #releaseDeadWorkers}, at most once a second per store: each claim, and each idle turn of
   * a worker, frees what a killed process on this machine held, rather than only the first claim
   * after a restart.
   */
  public int releaseDeadWorkersNowAndThen(String consumer) throws SQLException {
    long now = System.nanoTime();
    if (deadCheckedAt != 0 && now - deadCheckedAt < DEAD_CHECK_NANOS) {
      return 0;
    }
    deadCheckedAt = now;
    return releaseDeadWorkers(consumer);
  }

  /** Notifications of {@code consumer} not yet done (claimed or not), from the view. */
  public long lag(String consumer) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement("SELECT lag FROM " + ConsumerTables.VIEW + " WHERE name = ?")) {
      ps.setString(1, consumer);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw unknown(consumer);
        }
        return rs.getLong(1);
      }
    }
  }

  /** Every consumer's lag on the database {@code conn} opens; empty when there is none. */
  public static java.util.Map<String, Long> lags(Connection conn) throws SQLException {
    java.util.Map<String, Long> lags = new java.util.TreeMap<>();
    try (Statement s = conn.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT 1 FROM sqlite_schema WHERE name = '" + ConsumerTables.VIEW + "'")) {
        if (!rs.next()) {
          return lags;
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT name, lag FROM " + ConsumerTables.VIEW)) {
        while (rs.next()) {
          lags.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return lags;
  }

  static HeliosSqlException unknown(String consumer) {
    return new HeliosSqlException(
        SqlState.UNDEFINED_OBJECT, "consumer \"" + consumer + "\" does not exist");
  }

  private long single(String sql) throws SQLException {
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /** Work done inside one write transaction. */
  interface Work<T> {
    T run() throws SQLException;
  }

  /**
   * Runs {@code work} in a {@code BEGIN IMMEDIATE} transaction: it takes the write lock first (with
   * the busy timeout), so what it reads cannot change before it writes.
   */
  private <T> T inWriteTransaction(Work<T> work) throws SQLException {
    try (Statement s = conn.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      boolean done = false;
      try {
        T result = work.run();
        s.execute("COMMIT");
        done = true;
        return result;
      } finally {
        if (!done) {
          s.execute("ROLLBACK");
        }
      }
    }
  }

  @Override
  public void close() throws SQLException {
    leases.close();
    conn.close();
  }
}
