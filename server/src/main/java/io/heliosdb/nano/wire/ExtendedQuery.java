package io.heliosdb.nano.wire;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.session.CommandTags;
import io.heliosdb.nano.session.ParameterRewriter;
import io.heliosdb.nano.session.SqlSplitter;
import io.heliosdb.nano.wire.messages.BackendMessages;
import io.heliosdb.nano.wire.messages.FrontendMessage;
import io.heliosdb.nano.wire.messages.MessageTypes;
import io.heliosdb.nano.wire.messages.TransactionStatus;
import io.heliosdb.nano.wire.sql.PgDialect;
import io.heliosdb.nano.wire.sql.PgSyntax;
import io.heliosdb.nano.wire.sql.QuickStatements;
import io.heliosdb.nano.wire.types.ParameterTypes;
import io.heliosdb.nano.wire.types.PgColumn;
import io.heliosdb.nano.wire.types.PgType;
import io.heliosdb.nano.wire.types.PgValues;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The extended query protocol of one session: prepared statements and portals by name ("" is the
 * unnamed one, replaced by the next Parse or Bind), run on the session's connection with the
 * transaction rules of {@link QueryRunner}. Knows no wire bytes; reports to an {@link
 * ExtendedSink}.
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
  /** Statements run from their text, never prepared by SQLite (it cannot parse SET or SHOW). */
  private static final Set<String> TEXT_ONLY =
      Set.of(
          "BEGIN",
          "START TRANSACTION",
          "COMMIT",
          "ROLLBACK",
          "SAVEPOINT",
          "RELEASE",
          "SET",
          "RESET",
          "SHOW");

  /** Statements the core runs itself: a prepared stand-in, no result columns. */
  private static final Set<String> SESSION_STATEMENTS =
      Set.of("LISTEN", "UNLISTEN", "NOTIFY", "DISCARD PLANS", "DISCARD TEMP", "DISCARD SEQUENCES");

  /** The highest $n: the protocol counts a Bind's values in 16 bits. (SQLite's own is 32766.) */
  static final int MAX_PARAMETER = 65535;

  private final HeliosConnection conn;
  private final QueryRunner runner;
  private final SessionSettings settings;
  private final Map<String, PreparedQuery> statements = new HashMap<>();
  private final Map<String, Portal> portals = new HashMap<>();
  private final PreparedMemory.Holdings memory;
  private final SchemaReader schema;
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
    this.settings = settings;
    this.memory = memory;
    this.schema = schema;
    this.quick = new QuickPath(config);
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
      return isShort(statements.get(b.statement()));
    } else if (m instanceof FrontendMessage.Describe d) {
      return d.kind() == MessageTypes.KIND_STATEMENT
          ? isShort(statements.get(d.name()))
          : portals.get(d.name()) != null && isShort(portals.get(d.name()).statement);
    } else if (m instanceof FrontendMessage.Execute e) {
      Portal p = portals.get(e.portal());
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
      if (!m.name().isEmpty() && statements.containsKey(m.name())) {
        throw new HeliosSqlException(
            SqlState.DUPLICATE_PREPARED_STATEMENT,
            "prepared statement \"" + m.name() + "\" already exists");
      }
      List<String> split = SqlSplitter.split(m.sql());
      if (split.size() > 1) {
        throw new HeliosSqlException(
            SqlState.SYNTAX_ERROR, "cannot insert multiple commands into a prepared statement");
      }
      closeStatement(m.name());
      String text = split.isEmpty() ? "" : split.get(0);
      QuickStatements.Kind kind = quick.classify(m.sql());
      QuickPath.Shape known =
          kind == QuickStatements.Kind.PG_NOTIFY ? quick.shape(text, m.parameterTypes()) : null;
      if (kind == QuickStatements.Kind.SESSION && text.indexOf('$') < 0) {
        // Run from its text by the core, as the simple protocol runs it: nothing to prepare.
        known =
            new QuickPath.Shape(
                text, CommandTags.of(text, 0, false), m.parameterTypes().clone(), 0, null);
      }
      if (known != null) {
        PreparedStatement ps =
            kind == QuickStatements.Kind.PG_NOTIFY
                ? PgDialect.runTranslated(known.sql(), conn::prepareStatement)
                : null;
        store(m.name(), known, ps, kind);
        sink.parseComplete();
        return true;
      }
      String verb = CommandTags.of(ParameterRewriter.rewrite(text).sql(), 0, false);
      String written = text;
      boolean prepared = verb != null && !TEXT_ONLY.contains(verb) && !Housekeeping.handles(verb);
      if (prepared) {
        text = PgSyntax.translate(text); // before $n become ?NNN: $1::int is a cast of $1
      }
      ParameterRewriter.Rewritten r = ParameterRewriter.rewrite(text);
      if (r.parameterCount() > MAX_PARAMETER) {
        // Before the parameter types are sized by it: "$99999" would be a 400 KB array.
        throw new HeliosSqlException(
            SqlState.UNDEFINED_PARAMETER, "there is no parameter $" + r.parameterCount());
      }
      int[] types = new int[Math.max(r.parameterCount(), m.parameterTypes().length)];
      System.arraycopy(m.parameterTypes(), 0, types, 0, m.parameterTypes().length);
      if (prepared && r.parameterCount() > 0) {
        inferTypes(written, r.parameterCount(), types);
      }
      PreparedStatement ps = null;
      List<PgColumn> columns = null;
      if (verb != null && verb.equals("SHOW")) {
        columns = settings.showColumns(r.sql());
      } else if (verb != null && !TEXT_ONLY.contains(verb) && !Housekeeping.handles(verb)) {
        String[] ran = {r.sql()};
        ps =
            PgDialect.runTranslated(
                r.sql(),
                sqlite -> {
                  ran[0] = sqlite;
                  return conn.prepareStatement(sqlite);
                });
        columns =
            SESSION_STATEMENTS.contains(verb)
                ? null
                : columns(PgDialect.typedText(written, ran[0]), ps);
      }
      QuickPath.Shape shape =
          new QuickPath.Shape(r.sql(), verb, types, r.parameterCount(), columns);
      if (kind == QuickStatements.Kind.PG_NOTIFY) {
        quick.remember(text, m.parameterTypes(), shape);
      }
      store(m.name(), shape, ps, kind);
      sink.parseComplete();
      return true;
    } catch (SQLException e) {
      runner.failed(sink, e);
      return false;
    }
  }

  /** Keeps a parsed statement under its name, with the memory it holds. */
  private void store(
      String name, QuickPath.Shape s, PreparedStatement ps, QuickStatements.Kind kind)
      throws SQLException {
    long bytes = PreparedMemory.statementBytes(s.sql(), s.parameterTypes().length, s.columns());
    try {
      memory.take("prepared statement \"" + name + "\"", !name.isEmpty(), bytes);
    } catch (SQLException e) {
      close(ps);
      throw e;
    }
    statements.put(
        name,
        new PreparedQuery(
            s.sql(), s.verb(), s.parameterTypes(), s.used(), ps, s.columns(), bytes, kind));
  }

  boolean bind(FrontendMessage.Bind m, ExtendedSink sink) {
    if (!settle(sink)) {
      return false;
    }
    try {
      PreparedQuery p = statement(m.statement());
      if (!m.portal().isEmpty() && portals.containsKey(m.portal())) {
        throw new HeliosSqlException(
            SqlState.DUPLICATE_CURSOR, "portal \"" + m.portal() + "\" already exists");
      }
      closePortal(m.portal());
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
      checkFormats(p, m.resultFormats());
      // A declared type beyond the highest $n used binds nothing (SQLite has no such slot).
      Object[] values = new Object[p.ps() == null ? 0 : p.usedParameters()];
      for (int i = 0; i < values.length; i++) {
        boolean binary = BackendMessages.formatCode(m.parameterFormats(), i) == 1;
        values[i] = PgValues.parameter(p.parameterTypes()[i], binary, m.values()[i]);
      }
      long bytes = PreparedMemory.portalBytes(values, m.resultFormats());
      memory.take("portal \"" + m.portal() + "\"", !m.portal().isEmpty(), bytes);
      portals.put(m.portal(), new Portal(p, values, m.resultFormats(), bytes));
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
        PreparedQuery p = statement(m.name());
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
        Portal portal = portal(m.name());
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
      portal = portal(m.portal());
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
    for (Portal other : portals.values()) {
      if (other.statement == p && other.rows != null) {
        runner.failed(
            sink,
            new SQLException(
                "another portal of this statement is suspended; close it first",
                SqlState.FEATURE_NOT_SUPPORTED.code()));
        return false;
      }
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
      closeStatement(m.name());
    } else {
      closePortal(m.name());
    }
    sink.closeComplete();
    return true;
  }

  /** DEALLOCATE name: a named statement and its portals; 26000 when there is none. */
  void deallocate(String name) throws SQLException {
    if (name.isEmpty() || !statements.containsKey(name)) {
      throw new HeliosSqlException(
          SqlState.INVALID_SQL_STATEMENT_NAME,
          "prepared statement \"" + name + "\" does not exist");
    }
    closeStatement(name);
  }

  /** DEALLOCATE ALL: every named statement; the unnamed one stays (it may be running this). */
  void deallocateAll() {
    for (String name : new ArrayList<>(statements.keySet())) {
      if (!name.isEmpty()) {
        closeStatement(name);
      }
    }
  }

  /** CLOSE name: a named portal; 34000 when there is none. */
  void closeCursor(String name) throws SQLException {
    if (name.isEmpty() || !portals.containsKey(name)) {
      throw new HeliosSqlException(
          SqlState.INVALID_CURSOR_NAME, "cursor \"" + name + "\" does not exist");
    }
    closePortal(name);
  }

  /** CLOSE ALL: every portal but the one running the statement, as in PostgreSQL. */
  void closeAllCursors() {
    for (String name : new ArrayList<>(portals.keySet())) {
      if (portals.get(name) != executing) {
        closePortal(name);
      }
    }
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
      for (String name : new ArrayList<>(portals.keySet())) {
        closePortal(name);
      }
    }
  }

  private static void checkFormats(PreparedQuery p, short[] formats) throws SQLException {
    List<PgColumn> columns = p.columns() == null ? List.of() : p.columns();
    if (formats.length > 1 && formats.length != columns.size()) {
      throw new HeliosSqlException(
          SqlState.PROTOCOL_VIOLATION,
          "bind message has "
              + formats.length
              + " result formats but query has "
              + columns.size()
              + " columns");
    }
    for (int i = 0; i < columns.size(); i++) {
      short f = BackendMessages.formatCode(formats, i);
      PgType type = columns.get(i).type();
      if (f == 1 && !PgValues.hasBinary(type)) {
        throw new HeliosSqlException(
            SqlState.FEATURE_NOT_SUPPORTED,
            "binary format is not supported for result columns of type "
                + type.name().toLowerCase()
                + " (column \""
                + columns.get(i).name()
                + "\"); ask for text");
      } else if (f != 0 && f != 1) {
        throw new HeliosSqlException(SqlState.PROTOCOL_VIOLATION, "unsupported format code: " + f);
      }
    }
  }

  /**
   * The result columns of a prepared statement, before it runs ({@link ResultColumns}); null when
   * it has none.
   */
  private List<PgColumn> columns(String sql, PreparedStatement ps) throws SQLException {
    ResultSetMetaData md = ps.getMetaData();
    int n;
    try {
      n = md == null ? 0 : md.getColumnCount();
    } catch (SQLException e) {
      n = 0; // sqlite-jdbc: a statement without result columns has no column 1
    }
    if (n == 0) {
      return null;
    }
    return schema.read(c -> ResultColumns.of(c, sql, md, null), null);
  }

  /**
   * Fills the parameter types the client left unspecified with those the statement shows ({@link
   * ParameterTypes}, read from the text as the client wrote it); the rest stay unspecified (text).
   */
  private void inferTypes(String sql, int count, int[] types) throws SQLException {
    int[] inferred =
        schema.read(
            c -> ParameterTypes.infer(sql, count, table -> ResultColumns.declaredTypes(c, table)),
            new int[count]);
    for (int i = 0; i < inferred.length; i++) {
      if (types[i] == PgValues.OID_UNSPECIFIED) {
        types[i] = inferred[i];
      }
    }
  }

  private PreparedQuery statement(String name) throws SQLException {
    PreparedQuery p = statements.get(name);
    if (p == null) {
      throw new HeliosSqlException(
          SqlState.INVALID_SQL_STATEMENT_NAME,
          name.isEmpty()
              ? "unnamed prepared statement does not exist"
              : "prepared statement \"" + name + "\" does not exist");
    }
    return p;
  }

  private Portal portal(String name) throws SQLException {
    Portal p = portals.get(name);
    if (p == null) {
      throw new HeliosSqlException(
          SqlState.INVALID_CURSOR_NAME,
          name.isEmpty()
              ? "unnamed portal does not exist"
              : "portal \"" + name + "\" does not exist");
    }
    return p;
  }

  /**
   * The session has ended: closes every statement and with it its portals (every portal is bound to
   * one), giving back what they held.
   */
  void closeAll() {
    quick.take(); // never run: the session ends before its transaction commits
    for (String name : new ArrayList<>(statements.keySet())) {
      closeStatement(name);
    }
  }

  /** Closes a statement and the portals bound to it; nothing when there is none. */
  private void closeStatement(String name) {
    PreparedQuery p = statements.remove(name);
    if (p == null) {
      return;
    }
    for (String portal : new ArrayList<>(portals.keySet())) {
      if (portals.get(portal).statement == p) {
        closePortal(portal);
      }
    }
    close(p.ps());
    memory.give(!name.isEmpty(), p.heldBytes());
  }

  private void closePortal(String name) {
    Portal p = portals.remove(name);
    if (p != null) {
      p.closeRows();
      memory.give(!name.isEmpty(), p.heldBytes);
    }
  }

  private static void close(PreparedStatement ps) {
    if (ps != null) {
      try {
        ps.close();
      } catch (SQLException e) {
        // closing: nothing to tell the client
      }
    }
  }
}
