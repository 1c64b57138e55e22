package io.heliosdb.nano.session;

import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The session housekeeping statements drivers and connection pools send, as an embedded connection
 * runs them. It has no SQL-level prepared statements and no cursors (those of JDBC are objects, not
 * names), so {@code DEALLOCATE ALL} and {@code CLOSE ALL} have nothing to do and a name is unknown
 * (26000, 34000) as in a fresh PostgreSQL session. The wire server handles DEALLOCATE, CLOSE and
 * RESET itself, and its DISCARD ALL ends here after its own part.
 *
 * <ul>
 *   <li>{@code DISCARD ALL}: UNLISTEN *, {@code pg_advisory_unlock_all()}, DISCARD TEMP, and the
 *       parameters {@code set_config()} set are forgotten; refused in a transaction (25001).
 *   <li>{@code DISCARD TEMP}: drops the connection's temporary tables, views and triggers.
 *   <li>{@code DISCARD PLANS}, {@code DISCARD SEQUENCES}: nothing to discard (SQLite re-prepares on
 *       schema changes by itself; there are no sequences with session caches).
 *   <li>{@code RESET name}, {@code RESET ALL}: forget what {@code set_config()} set.
 * </ul>
 */
final class SessionHousekeeping {
  /** The engine's own temporary objects, which DISCARD TEMP leaves alone. */
  private static final String INTERNAL_PREFIX = "_heliosdb";

  private SessionHousekeeping() {}

  static void run(Session session, Command c) throws SQLException {
    switch (c.type()) {
      case DEALLOCATE ->
          throw new HeliosSqlException(
              SqlState.INVALID_SQL_STATEMENT_NAME,
              "prepared statement \"" + c.name() + "\" does not exist");
      case CLOSE ->
          throw new HeliosSqlException(
              SqlState.INVALID_CURSOR_NAME, "cursor \"" + c.name() + "\" does not exist");
      case DEALLOCATE_ALL, CLOSE_ALL, DISCARD_PLANS, DISCARD_SEQUENCES -> {
        // nothing kept under these names
      }
      case DISCARD_TEMP -> dropTemporaryObjects(session);
      case DISCARD_ALL -> discardAll(session);
      case RESET -> session.embeddedSettings().reset(c.name());
      case RESET_ALL -> session.embeddedSettings().resetAll();
      default -> throw new IllegalArgumentException("not a session statement: " + c);
    }
  }

  private static void discardAll(Session session) throws SQLException {
    if (session.inTransaction()) {
      throw new HeliosSqlException(
          SqlState.ACTIVE_SQL_TRANSACTION, "DISCARD ALL cannot run inside a transaction block");
    }
    session.embeddedSettings().resetAll();
    if (session.config().pubsubEnabled()) {
      session.run(new Command(Command.Type.UNLISTEN_ALL, null, null, null, null));
    }
    session.advisoryUnlockAll();
    dropTemporaryObjects(session);
  }

  /**
   * Drops the connection's temporary triggers, views and tables (PostgreSQL's DISCARD TEMP drops
   * its temporary schema), except the engine's own.
   */
  private static void dropTemporaryObjects(Session session) throws SQLException {
    if (!session.hasConnection()) {
      return; // a lazy session that never opened its connection has no temporary objects
    }
    List<String> drops = new ArrayList<>();
    session.beforeStatement();
    boolean threw = true;
    try (Statement st = session.sqlite().createStatement()) {
      try (ResultSet rs =
          st.executeQuery(
              "SELECT type, name FROM temp.sqlite_schema WHERE type IN ('trigger', 'view', 'table')"
                  + " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                  + " ORDER BY CASE type WHEN 'trigger' THEN 0 WHEN 'view' THEN 1 ELSE 2 END")) {
        while (rs.next()) {
          String name = rs.getString(2);
          if (!name.startsWith(INTERNAL_PREFIX)) {
            drops.add(
                "DROP "
                    + rs.getString(1).toUpperCase(java.util.Locale.ROOT)
                    + " IF EXISTS temp.\""
                    + name.replace("\"", "\"\"")
                    + "\"");
          }
        }
      }
      for (String drop : drops) {
        st.execute(drop);
      }
      threw = false;
    } catch (SQLException e) {
      throw HeliosSqlException.translate(e);
    } finally {
      session.afterStatement(threw);
    }
  }
}
