package io.heliosdb.nano.wire;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.session.Command;
import io.heliosdb.nano.session.CommandTags;
import io.heliosdb.nano.session.SqlSplitter;
import io.heliosdb.nano.wire.messages.HintedSqlException;
import io.heliosdb.nano.wire.messages.Severity;
import io.heliosdb.nano.wire.messages.TransactionStatus;
import io.heliosdb.nano.wire.sql.PgDialect;
import io.heliosdb.nano.wire.sql.StatementDepth;
import io.heliosdb.nano.wire.types.PgColumn;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs simple-query strings on one connection with PostgreSQL's transaction rules, reporting to a
 * {@link QuerySink}; knows no wire bytes.
 *
 * <ul>
 *   <li>Statements of a multi-statement string run in order and stop at the first error. Outside a
 *       transaction block they form one implicit transaction, as in PostgreSQL (all or nothing,
 *       notifications at its end), unless one of them is transaction control or something SQLite
 *       refuses inside a transaction (VACUUM, ATTACH, DETACH, PRAGMA); then each commits alone.
 *   <li>The status is tracked as ReadyForQuery reports it: an error inside a block fails the block,
 *       and until ROLLBACK (or COMMIT, which then rolls back and is tagged ROLLBACK) every
 *       statement fails with 25P02.
 *   <li>COMMIT or ROLLBACK outside a block and BEGIN inside one are warnings, as in PostgreSQL.
 *   <li>SET, RESET and SHOW go to the session's {@link SessionSettings}, not to SQLite; DEALLOCATE,
 *       CLOSE and DISCARD ALL to its {@link Housekeeping}.
 * </ul>
 */
final class QueryRunner {
  private static final Logger log = LoggerFactory.getLogger(QueryRunner.class);

  /** Statements that keep a multi-statement string out of an implicit transaction. */
  private static final Set<String> NO_IMPLICIT_BLOCK =
      Set.of(
          "BEGIN",
          "START TRANSACTION",
          "COMMIT",
          "ROLLBACK",
          "SAVEPOINT",
          "RELEASE",
          "VACUUM",
          "ATTACH",
          "DETACH",
          "PRAGMA");

  private static final Set<String> NOTIFICATION_VERBS = Set.of("LISTEN", "UNLISTEN", "NOTIFY");

  /** The tags ({@link CommandTags}, count 0) of statements that neither begin nor end one. */
  private static final Set<String> KEEP_TRANSACTION =
      Set.of("SELECT", "VALUES", "LISTEN", "UNLISTEN", "NOTIFY", "SHOW", "SET");

  /** The part of a statement's run that the transaction rules wrap. */
  @FunctionalInterface
  interface Body {
    void run(QuerySink sink) throws SQLException;
  }

  private final HeliosConnection conn;
  private final SessionSettings settings;
  private TransactionStatus status = TransactionStatus.IDLE;

  /** An extended-protocol statement opened a transaction that the next Sync ends. */
  private boolean implicitBlock;

  private volatile Statement running;

  /** Set once the session's extended protocol exists; null until then. */
  private Housekeeping housekeeping;

  QueryRunner(HeliosConnection conn, SessionSettings settings) {
    this.conn = conn;
    this.settings = settings;
  }

  /** Where DEALLOCATE, CLOSE and DISCARD ALL go. */
  void housekeeping(Housekeeping h) {
    this.housekeeping = h;
  }

  /** The transaction status after the last query. */
  public TransactionStatus status() {
    return status;
  }

  /** An error outside any statement (an unsupported message): fails an open block. */
  public void failBlock() {
    if (status == TransactionStatus.IN_BLOCK) {
      status = TransactionStatus.FAILED;
    }
  }

  /** Rolls back the open transaction, if any, with its notifications (a session that ends). */
  public void rollbackOpenTransaction() {
    try (Statement st = conn.createStatement()) {
      if (conn.inTransaction()) {
        st.execute("ROLLBACK");
      }
    } catch (SQLException e) {
      log.debug("rolling back the open transaction failed", e);
    }
    status = TransactionStatus.IDLE;
  }

  /** Cancels the statement running now, if any; safe from any thread. */
  public void cancel() {
    Statement s = running;
    if (s != null) {
      try {
        s.cancel();
      } catch (SQLException e) {
        log.debug("cancel failed", e);
      }
    }
  }

  /** Runs one simple query: one or more statements separated by semicolons. */
  public void run(String text, QuerySink sink) {
    try {
      StatementDepth.check(text);
    } catch (SQLException e) {
      failed(sink, e);
      return;
    }
    List<String> statements = SqlSplitter.split(text);
    if (statements.isEmpty()) {
      sink.emptyQuery();
      return;
    }
    List<String> verbs = new ArrayList<>(statements.size());
    for (String s : statements) {
      verbs.add(CommandTags.of(s, 0, false));
    }
    boolean implicit =
        statements.size() > 1
            && status == TransactionStatus.IDLE
            && verbs.stream().noneMatch(v -> v == null || NO_IMPLICIT_BLOCK.contains(v));
    try (Statement st = conn.createStatement()) {
      running = st;
      if (implicit) {
        st.execute("BEGIN");
        status = TransactionStatus.IN_BLOCK;
      }
      boolean ok = true;
      for (int i = 0; i < statements.size() && ok; i++) {
        if (verbs.get(i) != null) {
          String sql = statements.get(i);
          String verb = verbs.get(i);
          ok = runOne(sql, verb, sink, out -> execute(st, sql, verb, out));
        }
      }
      if (implicit) {
        endImplicitBlock(st, ok, sink);
      }
    } catch (SQLException e) {
      error(sink, e);
      status = inTransaction() ? TransactionStatus.FAILED : TransactionStatus.IDLE;
    } catch (RuntimeException e) {
      log.debug("internal error running a query", e);
      sink.error(SqlState.INTERNAL_ERROR.code(), "internal error: " + e);
      status = inTransaction() ? TransactionStatus.FAILED : TransactionStatus.IDLE;
    } catch (StackOverflowError e) {
      // a reader of the text recursed past the stack on a form StatementDepth does not count
      error(sink, StatementDepth.tooDeep());
      status = inTransaction() ? TransactionStatus.FAILED : TransactionStatus.IDLE;
    } finally {
      running = null;
    }
  }

  /**
   * Runs one statement of the extended protocol with the transaction rules. Outside a block, a
   * statement opens an implicit transaction that {@link #sync} commits (or rolls back after an
   * error), as in PostgreSQL; BEGIN inside it turns it into a transaction block. Returns whether
   * the statement succeeded; on failure the error has been reported. {@code alone}: the statement
   * is known to be the only one of its implicit transaction, and runs in autocommit instead.
   */
  public boolean runExtended(String sql, String verb, QuerySink sink, boolean alone, Body body) {
    try {
      if (implicitBlock && verb.equals("BEGIN")) {
        implicitBlock = false;
        sink.commandComplete("BEGIN");
        return true;
      }
      if (!alone && status == TransactionStatus.IDLE && opensImplicitBlock(verb)) {
        try (Statement st = conn.createStatement()) {
          st.execute("BEGIN");
        }
        implicitBlock = true;
        status = TransactionStatus.IN_BLOCK;
      }
      boolean ok = runOne(sql, verb, sink, body);
      if (implicitBlock && status == TransactionStatus.IDLE) {
        implicitBlock = false; // COMMIT or ROLLBACK ended it
      }
      return ok;
    } catch (SQLException e) {
      failed(sink, e);
      return false;
    } finally {
      running = null;
    }
  }

  /** Whether {@code verb}, run outside a transaction, opens the implicit one Sync ends. */
  boolean opensImplicitBlock(String verb) {
    return verb != null
        && !NO_IMPLICIT_BLOCK.contains(verb)
        && !SessionSettings.handles(verb)
        && !Housekeeping.handles(verb);
  }

  /** Whether an extended-protocol statement opened a transaction that the next Sync ends. */
  boolean inImplicitBlock() {
    return implicitBlock;
  }

  /** Whether no transaction is open, implicit or not: a statement now would open one. */
  boolean idleOutsideTransaction() {
    return status == TransactionStatus.IDLE && !implicitBlock;
  }

  /** The statement about to run, for {@link #cancel}. */
  void running(Statement st) {
    running = st;
  }

  /** Sync: ends an implicit transaction (commit, or rollback after an error). */
  public void sync(QuerySink sink) {
    if (!implicitBlock) {
      return;
    }
    implicitBlock = false;
    try (Statement st = conn.createStatement()) {
      endImplicitBlock(st, status == TransactionStatus.IN_BLOCK, sink);
    } catch (SQLException e) {
      error(sink, e);
      status = TransactionStatus.IDLE;
    }
  }

  /** A statement failed outside {@link #runExtended}'s rules (fetching more rows): report it. */
  public void failed(QuerySink sink, SQLException e) {
    error(sink, e);
    status =
        status != TransactionStatus.IDLE || inTransaction() ? TransactionStatus.FAILED : status;
  }

  private boolean runOne(String sql, String verb, QuerySink sink, Body body) {
    boolean rollbackTo = verb.equals("ROLLBACK") && isRollbackTo(sql);
    boolean endsBlock = verb.equals("COMMIT") || (verb.equals("ROLLBACK") && !rollbackTo);
    if (status == TransactionStatus.FAILED && !endsBlock && !rollbackTo) {
      sink.error(
          SqlState.IN_FAILED_SQL_TRANSACTION.code(),
          "current transaction is aborted, commands ignored until end of transaction block");
      return false;
    }
    boolean begins = verb.equals("BEGIN");
    boolean inTransaction = (endsBlock || begins) && inTransaction();
    if (endsBlock && !inTransaction) {
      // Nothing to end in SQLite (never begun, or SQLite rolled back on its own).
      if (status == TransactionStatus.IDLE) {
        sink.notice(
            Severity.WARNING,
            SqlState.NO_ACTIVE_SQL_TRANSACTION.code(),
            "there is no transaction in progress");
      }
      sink.commandComplete(status == TransactionStatus.FAILED ? "ROLLBACK" : verb);
      status = TransactionStatus.IDLE;
      return true;
    }
    if (begins && inTransaction) {
      sink.notice(
          Severity.WARNING,
          SqlState.ACTIVE_SQL_TRANSACTION.code(),
          "there is already a transaction in progress");
      sink.commandComplete("BEGIN");
      status = TransactionStatus.IN_BLOCK;
      return true;
    }
    boolean wasInBlock = status != TransactionStatus.IDLE;
    try {
      if (status == TransactionStatus.FAILED && verb.equals("COMMIT")) {
        try (Statement rollback = conn.createStatement()) {
          rollback.execute("ROLLBACK");
        }
        sink.commandComplete("ROLLBACK");
      } else if (SessionSettings.handles(verb)) {
        settings.run(sql, verb, sink);
      } else if (housekeeping != null && Housekeeping.handles(verb)) {
        housekeeping.run(sql, status != TransactionStatus.IDLE, sink);
      } else {
        body.run(sink);
      }
      settings.reportChanges(sink);
      if (keepsTransaction(verb)) {
        status = wasInBlock ? TransactionStatus.IN_BLOCK : TransactionStatus.IDLE;
      } else {
        status = inTransaction() ? TransactionStatus.IN_BLOCK : TransactionStatus.IDLE;
      }
      return true;
    } catch (SQLException e) {
      settings.reportChanges(sink); // set_config() before the failure stands, as SET does
      error(sink, e);
      status = wasInBlock || inTransaction() ? TransactionStatus.FAILED : TransactionStatus.IDLE;
      return false;
    }
  }

  /**
   * Runs a statement's text with a plain Statement (simple query, or no parameters). LISTEN,
   * UNLISTEN and NOTIFY go to the core as they are: it reads them itself, SQLite never sees them,
   * so the dialect's rewriting (a scan of the whole text, payload included) has nothing to do.
   */
  void execute(Statement st, String sql, String verb, QuerySink sink) throws SQLException {
    String[] ran = {sql};
    boolean rows =
        NOTIFICATION_VERBS.contains(verb)
            ? st.execute(sql)
            : PgDialect.run(
                sql,
                text -> {
                  ran[0] = text;
                  return st.execute(text);
                });
    notices(st, sink);
    long count;
    if (rows) {
      try (ResultSet rs = st.getResultSet()) {
        count = sendRows(PgDialect.typedText(sql, ran[0]), rs, sink);
      }
    } else {
      count = Math.max(0, st.getUpdateCount());
    }
    String tag = CommandTags.of(sql, count, rows);
    sink.commandComplete(tag == null ? "" : tag);
  }

  /**
   * The statement's warnings: NOTICEs (LISTEN of a truncated name, ...), and WARNINGs for those of
   * SQLSTATE 01000 (an advisory unlock of a lock not held), as PostgreSQL sends them.
   */
  static void notices(Statement st, QuerySink sink) throws SQLException {
    for (SQLWarning w = st.getWarnings(); w != null; w = w.getNextWarning()) {
      boolean warning = SqlState.WARNING.code().equals(w.getSQLState());
      String state = w.getSQLState() == null ? SqlState.WARNING.code() : w.getSQLState();
      sink.notice(warning ? Severity.WARNING : Severity.NOTICE, state, w.getMessage());
    }
    st.clearWarnings();
  }

  /** RowDescription ({@link ResultColumns}, with the first row) and every row; the row count. */
  private long sendRows(String sql, ResultSet rs, QuerySink sink) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    int n = md.getColumnCount();
    Object[] values = new Object[n];
    boolean more = rs.next();
    for (int i = 0; i < n; i++) {
      values[i] = more ? rs.getObject(i + 1) : null;
    }
    List<PgColumn> columns = ResultColumns.of(conn, sql, md, values);
    PgColumn[] byIndex = columns.toArray(new PgColumn[0]);
    sink.rowDescription(columns);
    long count = 0;
    String[] text = new String[n];
    while (more) {
      for (int i = 0; i < n; i++) {
        Object v = count == 0 ? values[i] : rs.getObject(i + 1);
        text[i] = byIndex[i].encode(v); // with a NUMERIC(p,s) column's scale
      }
      sink.dataRow(text);
      count++;
      more = rs.next();
    }
    return count;
  }

  private void endImplicitBlock(Statement st, boolean ok, QuerySink sink) throws SQLException {
    try {
      if (ok) {
        st.execute("COMMIT");
      } else if (inTransaction()) {
        st.execute("ROLLBACK");
      }
    } catch (SQLException e) {
      error(sink, e);
      if (inTransaction()) {
        st.execute("ROLLBACK");
      }
    }
    status = TransactionStatus.IDLE;
  }

  /**
   * Whether a statement that succeeded left SQLite's transaction as it found it: queries, DML and
   * notifications never begin or end one (a trigger's RAISE(ROLLBACK) fails the statement). Asking
   * SQLite costs a BEGIN that fails, with an exception, inside every transaction.
   */
  private static boolean keepsTransaction(String verb) {
    return KEEP_TRANSACTION.contains(verb)
        || verb.startsWith("INSERT ")
        || verb.startsWith("UPDATE ")
        || verb.startsWith("DELETE ");
  }

  private static boolean isRollbackTo(String sql) {
    try {
      return Command.parse(sql).type() == Command.Type.ROLLBACK_TO_SAVEPOINT;
    } catch (SQLException e) {
      return false;
    }
  }

  private boolean inTransaction() {
    try {
      return conn.inTransaction();
    } catch (SQLException e) {
      log.debug("inTransaction failed", e);
      return false;
    }
  }

  private static void error(QuerySink sink, SQLException e) {
    String state = e.getSQLState() == null ? SqlState.INTERNAL_ERROR.code() : e.getSQLState();
    String message = e.getMessage() == null ? "unknown error" : e.getMessage();
    if (state.equals(SqlState.QUERY_CANCELED.code())) {
      message = "canceling statement due to user request";
    }
    if (e instanceof HintedSqlException h) {
      sink.error(state, message, h.hint());
    } else {
      sink.error(state, message);
    }
  }
}
