package io.heliosdb.nano.session;

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

/**
 * Applies retention to the durable log: keeps the newest {@code maxCount} notifications and none
 * older than {@code maxAge}, and records the highest id removed, so that a subscriber asking for an
 * older id gets a reset rather than a silent gap.
 */
public final class DurableRetention {
  /** The format of {@code committed_at}, SQLite's {@code strftime('%Y-%m-%dT%H:%M:%fZ')}. */
  static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private DurableRetention() {}

  /**
   * Prunes in one short write transaction on {@code conn} (not in a transaction of its own).
   *
   * @return how many notifications were removed
   */
  public static int prune(Connection conn, long maxCount, Duration maxAge, Instant now)
      throws SQLException {
    String t = DurableLog.TABLE;
    try (Statement s = conn.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      boolean done = false;
      try {
        long maxId = single(s, "SELECT coalesce(max(id), 0) FROM " + t);
        long pruned = single(s, "SELECT pruned_up_to FROM " + DurableLog.STATE_TABLE);
        long upTo = maxId - maxCount;
        // Ids grow with time: the old rows are those before the first young one.
        try (PreparedStatement young =
            conn.prepareStatement(
                "SELECT id FROM " + t + " WHERE committed_at >= ? ORDER BY id LIMIT 1")) {
          young.setString(1, TIME.format(now.minus(maxAge)));
          try (ResultSet rs = young.executeQuery()) {
            upTo = Math.max(upTo, rs.next() ? rs.getLong(1) - 1 : maxId);
          }
        }
        int removed = 0;
        if (upTo > pruned) {
          removed = s.executeUpdate("DELETE FROM " + t + " WHERE id <= " + upTo);
          s.executeUpdate("UPDATE " + DurableLog.STATE_TABLE + " SET pruned_up_to = " + upTo);
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
