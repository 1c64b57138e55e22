package io.heliosdb.nano.engine;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where durable consumers keep their state, in the database beside the log, so that it moves in the
 * same transactions as the work: {@value #STATE} (one row per consumer: its channels, the position
 * up to which every notification is done, how far it has claimed, its retry settings), {@value
 * #CLAIMS} (one row per notification claimed and not yet done: who holds it, until when, how often
 * it was tried) and the view {@value #VIEW} (each consumer's lag, in flight, retrying, handled and
 * dead-lettered counts).
 */
public final class ConsumerTables {
  public static final String STATE = "heliosdb_consumer_state";
  public static final String CLAIMS = "heliosdb_consumer_claims";
  public static final String VIEW = "heliosdb_consumers";

  /** Milliseconds since the epoch in SQLite's SQL, as the lease columns hold them. */
  public static final String NOW_MS = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

  private ConsumerTables() {}

  /** Creates the tables and the view when missing; the durable log must exist. */
  public static void create(Connection conn) throws SQLException {
    try (Statement s = conn.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT count(*) FROM sqlite_schema WHERE name IN ('"
                  + STATE
                  + "', '"
                  + CLAIMS
                  + "', '"
                  + VIEW
                  + "')")) {
        if (rs.next() && rs.getInt(1) == 3) {
          return;
        }
      }
      boolean own = conn.getAutoCommit();
      if (own) {
        s.execute("BEGIN IMMEDIATE");
      }
      try {
        s.execute(
            "CREATE TABLE IF NOT EXISTS "
                + STATE
                + "(name TEXT PRIMARY KEY, channels TEXT NOT NULL, position INTEGER NOT NULL,"
                + " claimed_up_to INTEGER NOT NULL, lease_ms INTEGER NOT NULL,"
                + " max_attempts INTEGER NOT NULL, backoff_ms INTEGER NOT NULL,"
                + " backoff_max_ms INTEGER NOT NULL, dead_letter_channel TEXT NOT NULL,"
                + " handled INTEGER NOT NULL DEFAULT 0, dead_lettered INTEGER NOT NULL DEFAULT 0,"
                + " created_at TEXT NOT NULL)");
        s.execute(
            "CREATE TABLE IF NOT EXISTS "
                + CLAIMS
                + "(consumer TEXT NOT NULL, id INTEGER NOT NULL, worker TEXT NOT NULL,"
                + " lease_until INTEGER NOT NULL, attempts INTEGER NOT NULL,"
                + " not_before INTEGER NOT NULL DEFAULT 0, last_error TEXT,"
                + " PRIMARY KEY (consumer, id)) WITHOUT ROWID");
        s.execute(
            "CREATE VIEW IF NOT EXISTS "
                + VIEW
                + " AS SELECT s.name, s.channels, s.position,"
                + " (SELECT count(*) FROM "
                + CLAIMS
                + " c WHERE c.consumer = s.name) + (SELECT count(*) FROM "
                + DurableLog.TABLE
                + " n WHERE n.id > s.claimed_up_to AND n.channel IN"
                + " (SELECT value FROM json_each(s.channels))) AS lag,"
                + " (SELECT count(*) FROM "
                + CLAIMS
                + " c WHERE c.consumer = s.name AND c.lease_until > "
                + NOW_MS
                + ") AS in_flight, (SELECT count(*) FROM "
                + CLAIMS
                + " c WHERE c.consumer = s.name AND c.lease_until = 0) AS retrying,"
                + " s.handled, s.dead_lettered, s.dead_letter_channel, s.max_attempts,"
                + " s.created_at FROM "
                + STATE
                + " s");
        if (own) {
          s.execute("COMMIT");
        }
      } catch (SQLException e) {
        if (own) {
          s.execute("ROLLBACK");
        }
        throw e;
      }
    }
  }
}
