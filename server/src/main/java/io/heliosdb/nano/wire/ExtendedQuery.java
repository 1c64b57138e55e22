package io.heliosdb.nano.wire;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.session.CommandTags;
import io.heliosdb.nano.wire.messages.BackendMessages;
import io.heliosdb.nano.wire.messages.FrontendMessage;
import io.heliosdb.nano.wire.messages.MessageTypes;
import io.heliosdb.nano.wire.messages.TransactionStatus;
import io.heliosdb.nano.wire.sql.QuickStatements;
import io.heliosdb.nano.wire.sql.StatementDepth;
import io.heliosdb.nano.wire.types.PgColumn;
import io.heliosdb.nano.wire.types.PgValues;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The extended query protocol of one session: prepared statements and portals by name ({@link
 * NamedStatements}), prepared by {@link StatementPreparer}, run on the session's connection with
 * the transaction rules of {@link QueryRunner}, notifications on the short path of {@link
 * QuickPath}. Knows no wire bytes; reports to an {@link ExtendedSink}.
 *
 * <pre>
 * Parse(name, sql, oids)      -> ParseComplete           ($n rewritten to ?n, prepared by SQLite)
 * Bind(portal, stmt, values)  -> BindComplete            (values typed by the declared or
 *                                                        inferred oids: ParameterTypes)
 * Describe('S', stmt)         -> ParameterDescription, RowDescription | NoData
 * Describe('P', portal)       -> RowDescription (with the result formats) | NoData
 * Execute(portal, maxRows)    -> DataRow* CommandComplete | DataRow{maxRows} PortalSuspended
 * Close('S' | 'P', name)      -> CloseComplete
 * </pre>
 *
 * Each method returns false after reporting an error; the session then discards until Sync. Result
 * columns are typed without running the statement ({@link ResultColumns}): from declared types, and
 * expressions from their text where it shows their type; other expressions are text.
 */
final class ExtendedQuery {
  private final HeliosConnection conn;
  private final QueryRunner runner;
  private final NamedStatements named;
  private final StatementPreparer preparer;
  private final QuickPath quick;

  /** The portal an Execute runs now, which CLOSE ALL leaves open; null between Executes. */
  private Portal executing;

  ExtendedQuery(
      HeliosConnection conn,
      QueryRunner runner,
      SessionSettings settings,
      PreparedMemory.Holdings memory,
      SchemaReader schema,
      HeliosConfig config) {
    this.conn = conn;
    this.runner = runner;
    this.named = new NamedStatements(memory);
    this.quick = new QuickPath(config);
    this.preparer = new StatementPreparer(conn, settings, schema, quick);
  }

  /**
   * Whether the message may run on the event loop: it cannot wait on a lock (a short statement's
   * Parse, Bind, Describe or Execute; a Close; a Flush). Asked while nothing else of the session
   * runs.
   */
  boolean runsQuickly(FrontendMessage m) {
    if (!quick.holdsOnlyShort()) {
      return false; // the message runs the held statement first
    } else if (m instanceof FrontendMessage.Parse p) {
      return quick.classify(p.sql()) != QuickStatements.Kind.NONE;
    } else if (m instanceof FrontendMessage.Bind b) {
      return isShort(named.find(b.statement()));
    } else if (m instanceof FrontendMessage.Describe d) {
      return d.kind() == MessageTypes.KIND_STATEMENT
          ? isShort(named.find(d.name()))
          : named.findPortal(d.name()) != null && isShort(named.findPortal(d.name()).statement);
    } else if (m instanceof FrontendMessage.Execute e) {
      Portal p = named.findPortal(e.portal());
      return p != null && p.rows == null && quick.isShort(p, e.maxRows());
    }
    return m instanceof FrontendMessage.Close || m instanceof FrontendMessage.Flush;
  }

  /**
   * Whether Sync (or a Query, which ends the implicit transaction too) commits nothing and runs no
   * held statement that could wait.
   */
  boolean syncRunsQuickly() {
    return !runner.inImplicitBlock() && quick.holdsOnlyShort();
  }

  /** Whether an Execute is held until the next message: the implicit transaction is open. */
  boolean holdsAnExecute() {
    return quick.holding();
  }

  private static boolean isShort(PreparedQuery p) {
    return p != null && p.quick() != QuickStatements.Kind.NONE;
  }

  /**
   * Runs the held Execute, if any, before another message of its implicit transaction: in a SQLite
   * transaction, as any statement there. Returns false after reporting its error.
   */
  boolean settle(ExtendedSink sink) {
    Portal held = quick.take();
    return held == null || run(held, 0, sink, new WithoutRowDescription(sink), false);
  }

  boolean parse(FrontendMessage.Parse m, ExtendedSink sink) {
    if (!settle(sink)) {
      return false;
    }
    try {
      named.checkNewStatement(m.name());
      named.closeStatement(m.name());
      named.keep(m.name(), preparer.prepare(m.sql(), m.parameterTypes()));
      sink.parseComplete();
      return true;
    } catch (SQLException e) {
      runner.failed(sink, e);
      return false;
    } catch (StackOverflowError e) {
      runner.failed(sink, StatementDepth.tooDeep()); // a form StatementDepth does not count
      return false;
    }
  }

  boolean bind(FrontendMessage.Bind m, ExtendedSink sink) {
    if (!settle(sink)) {
      return false;
    }
    try {
      PreparedQuery p = named.statement(m.statement());
      named.checkNewPortal(m.portal());
      named.closePortal(m.portal());
      int expected = p.parameterTypes().length;
      if (m.values().length != expected) {
        throw new HeliosSqlException(
            SqlState.PROTOCOL_VIOLATION,
            "bind message supplies "
                + m.values().length
                + " parameters, but prepared statement \""
                + m.statement()
                + "\" requires "
                + expected);
      }
      p.checkResultFormats(m.resultFormats());
      // A declared type beyond the highest $n used binds nothing (SQLite has no such slot).
      Object[] values = new Object[p.ps() == null ? 0 : p.usedParameters()];
      for (int i = 0; i < values.length; i++) {
        boolean binary = BackendMessages.formatCode(m.parameterFormats(), i) == 1;
        values[i] = PgValues.parameter(p.parameterTypes()[i], binary, m.values()[i]);
      }
      named.keepPortal(m.portal(), p, values, m.resultFormats());
      sink.bindComplete();
      return true;
    } catch (SQLException e) {
      runner.failed(sink, e);
      return false;
    }
  }

  boolean describe(FrontendMessage.Describe m, ExtendedSink sink) {
    if (!settle(sink)) {
      return false;
    }
    try {
      List<PgColumn> columns;
      short[] formats;
      if (m.kind() == MessageTypes.KIND_STATEMENT) {
        PreparedQuery p = named.statement(m.name());
        int[] reported = p.parameterTypes().clone();
        for (int i = 0; i < reported.length; i++) {
          if (reported[i] == PgValues.OID_UNSPECIFIED) {
            reported[i] = PgValues.OID_TEXT;
          }
        }
        sink.parameterDescription(reported);
        columns = p.columns();
        formats = new short[0];
      } else {
        Portal portal = named.portal(m.name());
        columns = portal.statement.columns();
        formats = portal.formats;
      }
      if (columns == null) {
        sink.noData();
      } else {
        sink.rowDescription(columns, formats);
      }
      return true;
    } catch (SQLException e) {
      runner.failed(sink, e);
      return false;
    }
  }

  boolean execute(FrontendMessage.Execute m, ExtendedSink sink) {
    if (!settle(sink)) {
      return false;
    }
    Portal portal;
    try {
      portal = named.portal(m.portal());
    } catch (SQLException e) {
      runner.failed(sink, e);
      return false;
    }
    PreparedQuery p = portal.statement;
    if (portal.rows != null) {
      try {
        runner.running(p.ps());
        portal.fetch(m.maxRows(), sink);
        return true;
      } catch (SQLException e) {
        portal.closeRows();
        runner.failed(sink, e);
        return false;
      } finally {
        runner.running(null);
      }
    }
    if (portal.tag != null) {
      sink.commandComplete(portal.tag); // run to completion already
      return true;
    }
    if (p.verb() == null) {
      sink.emptyQuery();
      return true;
    }
    if (named.hasSuspendedPortal(p)) {
      runner.failed(
          sink,
          new SQLException(
              "another portal of this statement is suspended; close it first",
              SqlState.FEATURE_NOT_SUPPORTED.code()));
      return false;
    }
    if (runner.idleOutsideTransaction()
        && (quick.isShort(portal, m.maxRows())
            || (m.maxRows() == 0 && runner.opensImplicitBlock(p.verb())))) {
      quick.defer(portal); // alone in its implicit transaction if Sync comes next
      return true;
    }
    QuerySink rowsOnly = new WithoutRowDescription(sink);
    executing = portal;
    try {
      return run(portal, m.maxRows(), sink, rowsOnly, false);
    } finally {
      executing = null;
    }
  }

  /**
   * Runs a portal's statement with the transaction rules: in the implicit transaction Sync ends, or
   * {@code alone} in autocommit (a short statement, at Sync).
   */
  private boolean run(
      Portal portal, int maxRows, ExtendedSink sink, QuerySink rowsOnly, boolean alone) {
    PreparedQuery p = portal.statement;
    String[] notify = quick.notifyArguments(portal, maxRows);
    return runner.runExtended(
        p.sql(),
        p.verb(),
        rowsOnly,
        alone,
        out -> {
          if (notify != null) {
            // The core's pg_notify(): to the hub at once in autocommit, else in the transaction.
            conn.notify(notify[0], notify[1]);
            sink.dataRow(new byte[][] {null});
            portal.tag = CommandTags.of(p.sql(), 1, true);
            sink.commandComplete(portal.tag);
            return;
          }
          if (p.ps() == null) {
            try (Statement st = conn.createStatement()) {
              runner.running(st);
              runner.execute(st, p.sql(), p.verb(), out);
            }
            return;
          }
          p.ps().clearParameters();
          for (int i = 0; i < portal.values.length; i++) {
            p.ps().setObject(i + 1, portal.values[i]);
          }
          runner.running(p.ps());
          boolean rows = p.ps().execute();
          QueryRunner.notices(p.ps(), out);
          if (rows) {
            portal.rows = p.ps().getResultSet();
            portal.fetch(maxRows, sink);
          } else {
            // ALTER TABLE ... ADD UNIQUE runs as CREATE UNIQUE INDEX: the tag is the client's verb
            portal.tag =
                p.verb().startsWith("ALTER ")
                    ? p.verb()
                    : CommandTags.of(p.sql(), Math.max(0, p.ps().getUpdateCount()), false);
            sink.commandComplete(portal.tag);
          }
        });
  }

  boolean close(FrontendMessage.Close m, ExtendedSink sink) {
    if (!settle(sink)) {
      return false;
    }
    if (m.kind() == MessageTypes.KIND_STATEMENT) {
      named.closeStatement(m.name());
    } else {
      named.closePortal(m.name());
    }
    sink.closeComplete();
    return true;
  }

  /** DEALLOCATE name: a named statement and its portals; 26000 when there is none. */
  void deallocate(String name) throws SQLException {
    named.deallocate(name);
  }

  /** DEALLOCATE ALL: every named statement; the unnamed one stays (it may be running this). */
  void deallocateAll() {
    named.deallocateAll();
  }

  /** CLOSE name: a named portal; 34000 when there is none. */
  void closeCursor(String name) throws SQLException {
    named.closeCursor(name);
  }

  /** CLOSE ALL: every portal but the one running the statement, as in PostgreSQL. */
  void closeAllCursors() {
    named.closePortalsExcept(executing);
  }

  /**
   * Sync: a held Execute runs alone; ends an implicit transaction; portals end with their
   * transaction.
   */
  void sync(ExtendedSink sink) {
    Portal held = quick.take();
    if (held != null) {
      boolean alone = !runner.inImplicitBlock(); // always: any other message would have run it
      if (alone) {
        QuickPath.ranAlone();
      }
      run(held, 0, sink, new WithoutRowDescription(sink), alone);
    }
    runner.sync(sink);
    closePortalsOutsideATransaction();
  }

  /** Portals end with their transaction (also one a simple Query's COMMIT or ROLLBACK ends). */
  void closePortalsOutsideATransaction() {
    if (runner.status() == TransactionStatus.IDLE) {
      named.closePortalsExcept(null);
    }
  }

  /**
   * The session has ended: closes every statement and with it its portals (every portal is bound to
   * one), giving back what they held.
   */
  void closeAll() {
    quick.take(); // never run: the session ends before its transaction commits
    named.closeAll();
  }
}
