package io.heliosdb.nano.session;

import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.engine.ConsumerTables;
import io.heliosdb.nano.engine.DurableLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Applies retention to the durable log: keeps the newest {@code maxCount} notifications and none
 * older than {@code maxAge}, but every one a durable consumer has not yet done, and records the
 * highest id removed, so that a subscriber asking for an older id gets a reset rather than a silent
 * gap.
 */
public final class DurableRetention {
  /** The format of {@code committed_at}, SQLite's {@code strftime('%Y-%m-%dT%H:%M:%fZ')}. */
  static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** How long cross-process delivery keeps a notification of a channel that is not durable. */
  public static final Duration TRANSIENT_KEEP = Duration.ofSeconds(30);

  private DurableRetention() {}

  /**
   * Prunes in one short write transaction on {@code conn} (not in a transaction of its own): the
   * durable log by {@code config}'s retention and, with cross-process delivery, notifications of
   * other channels once they are older than {@link #TRANSIENT_KEEP}.
   *
   * @return how many notifications were removed
   */
  public static int prune(Connection conn, HeliosConfig config, Instant now) throws SQLException {
    String t = DurableLog.TABLE;
    try (Statement s = conn.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      boolean done = false;
      try {
        int removed = config.crossProcess() ? pruneTransient(conn, s, config, now) : 0;
        long maxId = single(s, "SELECT coalesce(max(id), 0) FROM " + t);
        long pruned = single(s, "SELECT pruned_up_to FROM " + DurableLog.STATE_TABLE);
        long upTo =
            config.crossProcess()
                ? countLimit(s, maxId, config.retentionMaxCount())
                : maxId - config.retentionMaxCount(); // ids are dense but for failed statements'
        // Ids grow with time: the old rows are those before the first young one.
        upTo =
            Math.max(
                upTo, firstYoungerThan(conn, pruned, now.minus(config.retentionMaxAge()), maxId));
        // What a durable consumer has not yet done stays, whatever its age.
        upTo = Math.min(upTo, consumersDoneUpTo(s, upTo));
        if (upTo > pruned) {
          removed += s.executeUpdate("DELETE FROM " + t + " WHERE id <= " + upTo);
          s.executeUpdate(
              "UPDATE "
                  + DurableLog.STATE_TABLE
                  + " SET pruned_up_to = "
                  + upTo
                  + ", transient_pruned_up_to = max(transient_pruned_up_to, "
                  + upTo
                  + ")");
        }
        s.execute("COMMIT");
        done = true;
        return removed;
      } finally {
        if (!done) {
          s.execute("ROLLBACK");
        }
      }
    }
  }

  /**
   * The highest id to remove so that at most {@code maxCount} rows stay, where cross-process
   * delivery removes other channels' rows early and leaves the ids sparse: counted when the span of
   * ids exceeds the limit.
   */
  private static long countLimit(Statement s, long maxId, long maxCount) throws SQLException {
    long minId = single(s, "SELECT coalesce(min(id), 0) FROM " + DurableLog.TABLE);
    if (maxId - minId + 1 <= maxCount) {
      return minId - 1;
    }
    long nth =
        single(
            s,
            "SELECT id FROM " + DurableLog.TABLE + " ORDER BY id DESC LIMIT 1 OFFSET " + maxCount);
    return Math.max(nth, minId - 1);
  }

  /**
   * The id just before the first row after {@code afterId} committed at or after {@code cutoff};
   * {@code maxId} if none.
   */
  private static long firstYoungerThan(Connection conn, long afterId, Instant cutoff, long maxId)
      throws SQLException {
    try (PreparedStatement young =
        conn.prepareStatement(
            "SELECT id FROM "
                + DurableLog.TABLE
                + " WHERE id > ? AND committed_at >= ? ORDER BY id LIMIT 1")) {
      young.setLong(1, afterId);
      young.setString(2, TIME.format(cutoff));
      try (ResultSet rs = young.executeQuery()) {
        return rs.next() ? rs.getLong(1) - 1 : maxId;
      }
    }
  }

  /**
   * Removes the rows of channels that are not durable once every process has had {@link
   * #TRANSIENT_KEEP} to read them, and records how far, so that a process further behind learns
   * that it lost some.
   */
  private static int pruneTransient(Connection conn, Statement s, HeliosConfig config, Instant now)
      throws SQLException {
    long from = single(s, "SELECT transient_pruned_up_to FROM " + DurableLog.STATE_TABLE);
    long maxId = single(s, "SELECT coalesce(max(id), 0) FROM " + DurableLog.TABLE);
    long upTo = firstYoungerThan(conn, from, now.minus(TRANSIENT_KEEP), maxId);
    if (upTo <= from) {
      return 0;
    }
    List<String> patterns = config.durableChannels().patterns();
    StringBuilder durable = new StringBuilder("0");
    for (int i = 0; i < patterns.size(); i++) {
      durable.append(" OR channel GLOB ?");
    }
    int removed;
    try (PreparedStatement delete =
        conn.prepareStatement(
            "DELETE FROM "
                + DurableLog.TABLE
                + " WHERE id > ? AND id <= ? AND NOT ("
                + durable
                + ")")) {
      delete.setLong(1, from);
      delete.setLong(2, upTo);
      for (int i = 0; i < patterns.size(); i++) {
        // Our globs know only * and ?; in SQLite's, [ opens a character class.
        delete.setString(i + 3, patterns.get(i).replace("[", "[[]"));
      }
      removed = delete.executeUpdate();
    }
    s.executeUpdate("UPDATE " + DurableLog.STATE_TABLE + " SET transient_pruned_up_to = " + upTo);
    return removed;
  }

  /**
   * The lowest position of the durable consumers (every id up to it is done by all of them), or
   * {@code otherwise} when there is no consumer.
   */
  private static long consumersDoneUpTo(Statement s, long otherwise) throws SQLException {
    try (ResultSet rs =
        s.executeQuery("SELECT 1 FROM sqlite_schema WHERE name = '" + ConsumerTables.STATE + "'")) {
      if (!rs.next()) {
        return otherwise;
      }
    }
    try (ResultSet rs = s.executeQuery("SELECT min(position) FROM " + ConsumerTables.STATE)) {
      long min = rs.next() ? rs.getLong(1) : 0;
      return rs.wasNull() ? otherwise : min;
    }
  }

  /** Notifications kept, oldest id, newest id (0 and 0 when empty): for metrics. */
  public static long[] stats(Connection conn) throws SQLException {
    try (Statement s = conn.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0) FROM "
                    + DurableLog.TABLE)) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
    }
  }

  /** The first column of the first row, 0 when there is none. */
  static long single(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }
}
