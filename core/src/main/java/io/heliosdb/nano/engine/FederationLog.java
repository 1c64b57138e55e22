package io.heliosdb.nano.engine;

import io.heliosdb.nano.config.HeliosConfig;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConnection;

/**
 * Federation's side of the durable log, on a connection of its own: which durable notifications of
 * this node have been published to NATS (the forward position) and which message of the JetStream
 * stream was the last received (the receive position), both in the table {@value #STATE_TABLE} of
 * this database, so they survive a crash with the data; and the notifications of other nodes,
 * written to the log with their origin in one transaction with the receive position. Not
 * thread-safe.
 */
public final class FederationLog implements AutoCloseable {
  /** name, value: forwarded_up_to (a log id), received_seq (a stream sequence). */
  public static final String STATE_TABLE = "heliosdb_federation_state";

  /** One notification of this node to forward. */
  public record Row(long id, String channel, String payload, int senderPid) {}

  /** A remote notification written: its id here, and the commit ticket it was given. */
  public record Appended(long id, long ticket) {}

  private final SQLiteConnection conn;
  private final PreparedStatement toForward;
  private final PreparedStatement countToForward;
  private final PreparedStatement setState;
  private final PreparedStatement insert;
  private final int limitParameter;

  private FederationLog(SQLiteConnection conn, List<String> patterns) throws SQLException {
    this.conn = conn;
    StringBuilder globs = new StringBuilder();
    for (int i = 0; i < patterns.size(); i++) {
      globs.append(i == 0 ? "" : " OR ").append("channel GLOB ?");
    }
    String where =
        " FROM "
            + DurableLog.TABLE
            + " WHERE id > ? AND origin IS NULL AND ("
            + (patterns.isEmpty() ? "0" : globs)
            + ")";
    this.toForward =
        conn.prepareStatement(
            "SELECT id, channel, payload, sender_pid" + where + " ORDER BY id LIMIT ?");
    this.countToForward = conn.prepareStatement("SELECT count(*)" + where);
    for (int i = 0; i < patterns.size(); i++) {
      // Our patterns know * and ?; GLOB also reads [...] as a class: a literal [ is [[].
      String glob = patterns.get(i).replace("[", "[[]");
      toForward.setString(i + 2, glob);
      countToForward.setString(i + 2, glob);
    }
    this.limitParameter = patterns.size() + 2;
    // Positions only move forward, also when two processes on the file federate it.
    this.setState =
        conn.prepareStatement(
            "UPDATE " + STATE_TABLE + " SET value = max(value, ?) WHERE name = ?");
    this.insert =
        conn.prepareStatement(
            "INSERT INTO "
                + DurableLog.TABLE
                + "(channel, payload, sender_pid, committed_at, origin) VALUES (?, ?, ?,"
                + " strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?) RETURNING id");
  }

  /**
   * Opens federation's connection to the database at {@code url}, forwarding the durable
   * notifications of channels matching {@code patterns} (names and globs). A database federated for
   * the first time forwards what commits from now on, and receives the stream from its start.
   */
  public static FederationLog open(HeliosConfig config, String url, List<String> patterns)
      throws SQLException {
    SQLiteConnection conn = LogFollower.connect(config, url);
    try {
      try (Statement s = conn.createStatement()) {
        s.execute(
            "CREATE TABLE IF NOT EXISTS "
                + STATE_TABLE
                + "(name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
        s.execute(
            "INSERT OR IGNORE INTO "
                + STATE_TABLE
                + " VALUES ('forwarded_up_to', coalesce((SELECT seq FROM sqlite_sequence WHERE name"
                + " = '"
                + DurableLog.TABLE
                + "'), 0)), ('received_seq', 0)");
      }
      return new FederationLog(conn, patterns);
    } catch (SQLException | RuntimeException e) {
      conn.close();
      throw e;
    }
  }

  /** The id up to which this node's durable notifications are published. */
  public long forwardedUpTo() throws SQLException {
    return state("forwarded_up_to");
  }

  public void forwardedUpTo(long id) throws SQLException {
    setState("forwarded_up_to", id);
  }

  /** The stream sequence of the last message received (0: none yet). */
  public long receivedSeq() throws SQLException {
    return state("received_seq");
  }

  /** Records {@code seq} as received, for a message that delivers nothing here. */
  public void receivedSeq(long seq) throws SQLException {
    setState("received_seq", seq);
  }

  private void setState(String name, long value) throws SQLException {
    setState.setLong(1, value);
    setState.setString(2, name);
    setState.executeUpdate();
  }

  private long state(String name) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement("SELECT value FROM " + STATE_TABLE + " WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /** Up to {@code limit} durable notifications of this node to forward after {@code afterId}. */
  public List<Row> toForward(long afterId, int limit) throws SQLException {
    toForward.setLong(1, afterId);
    toForward.setInt(limitParameter, limit);
    List<Row> rows = new ArrayList<>();
    try (ResultSet rs = toForward.executeQuery()) {
      while (rs.next()) {
        rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4)));
      }
    }
    return rows;
  }

  /** How many wait to be forwarded after {@code afterId}. */
  public long countToForward(long afterId) throws SQLException {
    countToForward.setLong(1, afterId);
    try (ResultSet rs = countToForward.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /**
   * Writes another node's notification to the log and {@code seq} as received, in one transaction
   * that takes its commit ticket from {@code sequencer} while it holds the write lock, so that the
   * ticket's place is the commit's. The caller publishes the ticket (it is cancelled here when the
   * commit fails). Null when the database has {@code seq} already (another process on the file took
   * it): nothing is written.
   */
  public Appended appendRemote(
      String origin,
      int senderPid,
      String channel,
      String payload,
      long seq,
      CommitSequencer sequencer)
      throws SQLException {
    try (Statement s = conn.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      long ticket = 0;
      try {
        if (receivedSeq() >= seq) {
          s.execute("COMMIT");
          return null;
        }
        insert.setString(1, channel);
        insert.setString(2, payload);
        insert.setInt(3, senderPid);
        insert.setString(4, origin);
        long id;
        try (ResultSet rs = insert.executeQuery()) {
          rs.next();
          id = rs.getLong(1);
        }
        receivedSeq(seq);
        ticket = sequencer.nextTicket(id);
        s.execute("COMMIT");
        return new Appended(id, ticket);
      } catch (SQLException | RuntimeException e) {
        if (ticket != 0) {
          sequencer.cancel(ticket);
        }
        try {
          s.execute("ROLLBACK");
        } catch (SQLException ignored) {
          // the failed COMMIT ended the transaction already
        }
        throw e;
      }
    }
  }

  @Override
  public void close() throws SQLException {
    conn.close();
  }
}
