package io.heliosdb.nano.wire;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.session.Command;
import io.heliosdb.nano.wire.messages.Severity;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

/**
 * The housekeeping statements about what a wire session keeps, which drivers and pools send on
 * their own (psycopg 3's {@code DEALLOCATE}, asyncpg's {@code CLOSE ALL}, a pool's {@code DISCARD
 * ALL}); SQLite never sees them.
 *
 * <ul>
 *   <li>{@code DEALLOCATE [PREPARE] name}: closes a prepared statement made by Parse (and its
 *       portals); an unknown name is 26000. {@code DEALLOCATE ALL}: every named one; the unnamed
 *       statement stays, as in PostgreSQL.
 *   <li>{@code CLOSE name}: closes a named portal (PostgreSQL's cursors and portals are one); an
 *       unknown name is 34000. {@code CLOSE ALL}: every portal but the one running it.
 *   <li>{@code DISCARD ALL}: refused in a transaction block (25001); then CLOSE ALL, {@code SET
 *       SESSION AUTHORIZATION DEFAULT} and {@code RESET ALL} (ParameterStatus for what changes),
 *       DEALLOCATE ALL, and the session's part in the core: UNLISTEN *, {@code
 *       pg_advisory_unlock_all()}, DISCARD TEMP (PLANS and SEQUENCES have nothing to drop).
 * </ul>
 *
 * {@code DISCARD PLANS}, {@code TEMP} and {@code SEQUENCES} go to the core as they are; {@code
 * RESET} is {@link SessionSettings}'s.
 */
final class Housekeeping {
  /** The command tags (QueryRunner's verbs) of the statements handled here. */
  private static final Set<String> TAGS =
      Set.of("DEALLOCATE", "DEALLOCATE ALL", "CLOSE CURSOR", "CLOSE CURSOR ALL", "DISCARD ALL");

  private final HeliosConnection conn;
  private final SessionSettings settings;
  private final ExtendedQuery extended;

  Housekeeping(HeliosConnection conn, SessionSettings settings, ExtendedQuery extended) {
    this.conn = conn;
    this.settings = settings;
    this.extended = extended;
  }

  /** Whether a statement with this verb (its command tag) is one of these. */
  static boolean handles(String verb) {
    return TAGS.contains(verb);
  }

  /**
   * Runs one of these statements.
   *
   * @param inBlock whether a transaction block (or an implicit one) is open
   */
  void run(String sql, boolean inBlock, QuerySink sink) throws SQLException {
    Command c = Command.parse(sql);
    switch (c.type()) {
      case DEALLOCATE -> extended.deallocate(c.name());
      case DEALLOCATE_ALL -> extended.deallocateAll();
      case CLOSE -> extended.closeCursor(c.name());
      case CLOSE_ALL -> extended.closeAllCursors();
      case DISCARD_ALL -> discardAll(inBlock, sink);
      default -> throw new HeliosSqlException(SqlState.INTERNAL_ERROR, "not housekeeping: " + sql);
    }
    if (c.notice() != null) {
      sink.notice(Severity.NOTICE, SqlState.NAME_TOO_LONG.code(), c.notice());
    }
    sink.commandComplete(c.tag());
  }

  private void discardAll(boolean inBlock, QuerySink sink) throws SQLException {
    if (inBlock) {
      throw new HeliosSqlException(
          SqlState.ACTIVE_SQL_TRANSACTION, "DISCARD ALL cannot run inside a transaction block");
    }
    extended.closeAllCursors();
    settings.resetAll(sink::parameterStatus);
    extended.deallocateAll();
    try (Statement st = conn.createStatement()) {
      st.execute("DISCARD ALL");
    }
  }
}
