package io.heliosdb.nano.engine;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConnection;
import org.sqlite.core.CoreStatement;
import org.sqlite.core.DB;

/**
 * The notification log: notifications on durable channels (with cross-process delivery, on every
 * channel) written to the table {@value #TABLE} inside the sending transaction, so they commit,
 * roll back and survive a crash with the data. The id is SQLite's AUTOINCREMENT rowid; as SQLite
 * lets one writer at a time hold the write lock until it commits, ids increase in commit order
 * across every connection and process on the file.
 */
public final class DurableLog {
  /** The log, readable with plain SELECT. */
  public static final String TABLE = "heliosdb_notifications";

  /**
   * One row: the highest id retention has removed of durable channels (0 before any), and of the
   * other channels that cross-process delivery logs.
   */
  public static final String STATE_TABLE = "heliosdb_notifications_state";

  private static final int SQLITE_ROW = 100;
  private static final int SQLITE_DONE = 101;

  private final DB db;
  private final CoreStatement insert;
  private final PreparedStatement delete;

  /** What the insert reads through {@code _heliosdb_durable_arg(i)} while it runs. */
  private String channel;

  private String payload;
  private int senderPid;

  DurableLog(SQLiteConnection conn) throws SQLException {
    this.db = conn.getDatabase();
    NotifyFunctions.registerDurableArgs(conn, this);
    this.insert =
        (CoreStatement)
            conn.prepareStatement(
                "INSERT INTO "
                    + TABLE
                    + "(channel, payload, sender_pid, committed_at) VALUES (_heliosdb_durable_arg(0),"
                    + " _heliosdb_durable_arg(1), _heliosdb_durable_arg(2),"
                    + " strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) RETURNING id");
    this.delete = conn.prepareStatement("DELETE FROM " + TABLE + " WHERE id = ?");
  }

  /**
   * Creates the log's tables when missing; run once when a database with durable channels opens.
   */
  static void createTables(SQLiteConnection conn) throws SQLException {
    try (Statement s = conn.createStatement()) {
      // Look first: creating takes the write lock, which another writer may hold for long.
      try (ResultSet rs =
          s.executeQuery(
              "SELECT (SELECT count(*) FROM sqlite_schema WHERE name IN ('"
                  + TABLE
                  + "', '"
                  + STATE_TABLE
                  + "')) + (SELECT count(*) FROM pragma_table_info('"
                  + STATE_TABLE
                  + "') WHERE name = 'transient_pruned_up_to') + (SELECT count(*) FROM"
                  + " pragma_table_info('"
                  + TABLE
                  + "') WHERE name = 'origin')")) {
        if (rs.next() && rs.getInt(1) == 4) {
          return;
        }
      }
      s.execute("BEGIN IMMEDIATE");
      try {
        s.execute(
            "CREATE TABLE IF NOT EXISTS "
                + TABLE
                + "(id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, payload TEXT NOT NULL,"
                + " sender_pid INTEGER NOT NULL, committed_at TEXT NOT NULL, origin TEXT)");
        s.execute(
            "CREATE TABLE IF NOT EXISTS "
                + STATE_TABLE
                + "(pruned_up_to INTEGER NOT NULL,"
                + " transient_pruned_up_to INTEGER NOT NULL DEFAULT 0)");
        addTransientColumn(s);
        addOriginColumn(s);
        s.execute(
            "INSERT INTO "
                + STATE_TABLE
                + "(pruned_up_to) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM "
                + STATE_TABLE
                + ")");
        s.execute("COMMIT");
      } catch (SQLException e) {
        s.execute("ROLLBACK");
        throw e;
      }
    }
  }

  /**
   * The node a notification came from through federation; NULL for one committed on this node. Logs
   * from before federation lack the column.
   */
  private static void addOriginColumn(Statement s) throws SQLException {
    try (ResultSet rs =
        s.executeQuery("SELECT 1 FROM pragma_table_info('" + TABLE + "') WHERE name = 'origin'")) {
      if (rs.next()) {
        return;
      }
    }
    s.execute("ALTER TABLE " + TABLE + " ADD COLUMN origin TEXT");
  }

  /** Logs from before cross-process delivery have a state table without this column. */
  private static void addTransientColumn(Statement s) throws SQLException {
    try (ResultSet rs =
        s.executeQuery(
            "SELECT 1 FROM pragma_table_info('"
                + STATE_TABLE
                + "') WHERE name = 'transient_pruned_up_to'")) {
      if (rs.next()) {
        return;
      }
    }
    s.execute(
        "ALTER TABLE "
            + STATE_TABLE
            + " ADD COLUMN transient_pruned_up_to INTEGER NOT NULL DEFAULT 0");
  }

  /**
   * Writes one notification as part of the running statement's transaction. Called from inside
   * {@code pg_notify()}, so it steps the prepared insert directly, like the pending-table row.
   *
   * @return the new id
   */
  long append(String channel, String payload, int senderPid) throws SQLException {
    this.channel = channel;
    this.payload = payload;
    this.senderPid = senderPid;
    long[] id = {0};
    int rc =
        insert.pointer.safeRunInt(
            (d, ptr) -> {
              int r = d.step(ptr);
              if (r == SQLITE_ROW) {
                id[0] = d.column_long(ptr, 0);
                r = d.step(ptr);
              }
              d.reset(ptr);
              return r;
            });
    if (rc != SQLITE_DONE) {
      db.throwex(rc);
    }
    return id[0];
  }

  /** Removes one row of this writer's, of a notification that did not commit after all. */
  void delete(long id) throws SQLException {
    delete.setLong(1, id);
    delete.executeUpdate();
  }

  /** Argument {@code i} of the insert running now: channel, payload, sender pid. */
  Object arg(int i) {
    return switch (i) {
      case 0 -> channel;
      case 1 -> payload;
      default -> senderPid;
    };
  }
}
