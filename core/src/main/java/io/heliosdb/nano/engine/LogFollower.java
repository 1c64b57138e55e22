package io.heliosdb.nano.engine;

import io.heliosdb.nano.config.HeliosConfig;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

/**
 * Reads the notification log in id (commit) order on a connection of its own, for delivery between
 * processes: it only reads (a WAL reader never blocks a writer), after creating the log's tables
 * when the file has none yet. Not thread-safe.
 */
public final class LogFollower implements AutoCloseable {
  /** One logged notification; {@code origin} is null for one committed on this node. */
  public record Row(long id, String channel, String payload, int senderPid, String origin) {}

  private final SQLiteConnection conn;
  private final PreparedStatement page;
  private final PreparedStatement dataVersion;
  private final PreparedStatement transientPruned;

  private LogFollower(SQLiteConnection conn) throws SQLException {
    this.conn = conn;
    this.page =
        conn.prepareStatement(
            "SELECT id, channel, payload, sender_pid, origin FROM "
                + DurableLog.TABLE
                + " WHERE id > ? ORDER BY id LIMIT ?");
    this.dataVersion = conn.prepareStatement("PRAGMA data_version");
    this.transientPruned =
        conn.prepareStatement("SELECT transient_pruned_up_to FROM " + DurableLog.STATE_TABLE);
  }

  /** Opens a follower of the database at {@code url}. */
  public static LogFollower open(HeliosConfig config, String url) throws SQLException {
    SQLiteConnection conn = connect(config, url);
    try {
      return new LogFollower(conn);
    } catch (SQLException | RuntimeException e) {
      conn.close();
      throw e;
    }
  }

  /** A connection of its own to the database at {@code url}, the log's tables created. */
  static SQLiteConnection connect(HeliosConfig config, String url) throws SQLException {
    SQLiteConfig sc = new SQLiteConfig();
    sc.setBusyTimeout(config.busyTimeoutMs());
    SQLiteConnection conn =
        (SQLiteConnection) new org.sqlite.JDBC().connect(url, sc.toProperties());
    try {
      try (Statement s = conn.createStatement()) {
        if (config.enableWal()) {
          s.execute("PRAGMA journal_mode = WAL");
        }
        // It writes too (the log's tables, and a checkpoint when it is the last to close).
        s.execute("PRAGMA synchronous = " + config.synchronous().pragmaValue(!config.enableWal()));
      }
      DurableLog.createTables(conn);
      return conn;
    } catch (SQLException | RuntimeException e) {
      conn.close();
      throw e;
    }
  }

  /** {@code PRAGMA synchronous} in force on this connection (1 NORMAL, 2 FULL, 3 EXTRA). */
  public int synchronous() throws SQLException {
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** The highest id the log has ever given (also counting pruned rows); 0 for none. */
  public long lastId() throws SQLException {
    try (Statement s = conn.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT seq FROM sqlite_sequence WHERE name = '" + DurableLog.TABLE + "'")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /**
   * SQLite's {@code PRAGMA data_version}: changes when another connection, in this process or
   * another, commits to the file.
   */
  public long dataVersion() throws SQLException {
    try (ResultSet rs = dataVersion.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * The highest id up to which retention has removed notifications of channels that are not
   * durable: a follower behind it may have missed some.
   */
  public long transientPrunedUpTo() throws SQLException {
    try (ResultSet rs = transientPruned.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /** Up to {@code limit} rows with ids above {@code afterId}, in id order. */
  public List<Row> after(long afterId, int limit) throws SQLException {
    page.setLong(1, afterId);
    page.setInt(2, limit);
    List<Row> rows = new ArrayList<>();
    try (ResultSet rs = page.executeQuery()) {
      while (rs.next()) {
        rows.add(
            new Row(
                rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5)));
      }
    }
    return rows;
  }

  @Override
  public void close() throws SQLException {
    conn.close();
  }
}
