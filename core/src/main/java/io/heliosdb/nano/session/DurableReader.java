package io.heliosdb.nano.session;

import io.heliosdb.nano.engine.DurableLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads the durable log in id order for a resuming subscriber, a page at a time, on a connection of
 * its own (a WAL reader: it never blocks writers).
 */
public final class DurableReader implements AutoCloseable {
  /** One logged notification; {@code origin} is null for one committed on this node. */
  public record Row(long id, String channel, String payload, int senderPid, String origin) {}

  private final Connection conn;
  private final PreparedStatement page;
  private final PreparedStatement count;
  private final int limitParameter;

  public DurableReader(Connection conn, List<String> channels) throws SQLException {
    this.conn = conn;
    String marks = String.join(", ", Collections.nCopies(channels.size(), "?"));
    this.page =
        conn.prepareStatement(
            "SELECT id, channel, payload, sender_pid, origin FROM "
                + DurableLog.TABLE
                + " WHERE id > ? AND channel IN ("
                + marks
                + ") ORDER BY id LIMIT ?");
    this.count =
        conn.prepareStatement(
            "SELECT count(*) FROM "
                + DurableLog.TABLE
                + " WHERE id > ? AND channel IN ("
                + marks
                + ")");
    for (int i = 0; i < channels.size(); i++) {
      page.setString(i + 2, channels.get(i));
      count.setString(i + 2, channels.get(i));
    }
    this.limitParameter = channels.size() + 2;
  }

  /**
   * Where a resume after {@code fromId} can start: {@code fromId} itself when everything after it
   * is still kept, else (the id is pruned by retention, or unknown here) the id to continue after,
   * which the subscriber is told about with a reset marker.
   */
  public long startAfter(long fromId) throws SQLException {
    long pruned;
    long last;
    try (Statement s = conn.createStatement()) {
      pruned = DurableRetention.single(s, "SELECT pruned_up_to FROM " + DurableLog.STATE_TABLE);
      last =
          DurableRetention.single(
              s, "SELECT seq FROM sqlite_sequence WHERE name = '" + DurableLog.TABLE + "'");
    }
    if (fromId < pruned) {
      return pruned;
    }
    return Math.min(fromId, last);
  }

  /** Up to {@code limit} rows with ids above {@code afterId}, in id order. */
  public List<Row> after(long afterId, int limit) throws SQLException {
    page.setLong(1, afterId);
    page.setInt(limitParameter, limit);
    List<Row> rows = new ArrayList<>(Math.min(limit, 64));
    try (ResultSet rs = page.executeQuery()) {
      while (rs.next()) {
        rows.add(
            new Row(
                rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5)));
      }
    }
    return rows;
  }

  /** How many notifications of these channels the log holds after {@code afterId}. */
  public long countAfter(long afterId) throws SQLException {
    count.setLong(1, afterId);
    try (ResultSet rs = count.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  @Override
  public void close() throws SQLException {
    conn.close();
  }
}
