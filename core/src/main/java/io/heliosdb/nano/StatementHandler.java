package io.heliosdb.nano;

import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.session.Command;
import io.heliosdb.nano.session.Session;
import io.heliosdb.nano.session.SqlSplitter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import org.sqlite.SQLiteConnectionConfig;

/**
 * A Statement or PreparedStatement: runs LISTEN/UNLISTEN/NOTIFY and the housekeeping statements
 * (DISCARD, DEALLOCATE, CLOSE, RESET) itself, hands SQL to SQLite one statement at a time, and
 * brackets each execution with the session so that a failed statement loses its notifications and a
 * commit hands them over. WARNINGs a statement raised in the session (an advisory unlock of a lock
 * not held) are its SQLWarnings.
 */
final class StatementHandler implements InvocationHandler {
  private static final Set<String> EXECUTE =
      Set.of(
          "execute",
          "executeQuery",
          "executeUpdate",
          "executeLargeUpdate",
          "executeBatch",
          "executeLargeBatch");

  /** Opens the sqlite-jdbc statement underneath: at first need, so LISTEN and NOTIFY need none. */
  @FunctionalInterface
  interface Delegate {
    Statement open() throws Throwable;
  }

  private final Delegate opener;
  private volatile Statement delegate;

  /** Closed before a call needed the sqlite-jdbc statement. */
  private boolean closedWithoutDelegate;

  private final Session session;
  private final HeliosConnection connection;

  /** For a prepared statement: what it is. Null for a plain Statement. */
  private final Command prepared;

  private Object self;

  /** True right after a notification statement ran: no result set, update count 0. */
  private boolean commandResult;

  /** Savepoint statements added to the batch: announced to the session when it runs. */
  private boolean batchOpensSavepoint;

  private boolean batchRollsBackToSavepoint;

  /** A NOTICE from the last notification statement (an identifier truncated), or null. */
  private SQLWarning notice;

  /**
   * Whether executions read the generated keys: the statement was prepared asking for them, or an
   * execution asked for them (after which sqlite-jdbc would keep returning that execution's keys,
   * so later executions refresh them too). sqlite-jdbc's eager fetch is off on our connections.
   */
  private boolean fetchKeys;

  /** The prepared statement is an INSERT, UPDATE or DELETE: parsed once, told to each run. */
  private final boolean preparedWrites;

  private StatementHandler(
      Delegate opener,
      Session session,
      HeliosConnection connection,
      Command prepared,
      boolean fetchKeys) {
    this.opener = opener;
    this.session = session;
    this.connection = connection;
    this.prepared = prepared;
    this.fetchKeys = fetchKeys;
    this.preparedWrites = prepared != null && prepared.writesRows();
  }

  static <T extends Statement> T wrap(
      Class<T> type, Delegate opener, Session session, HeliosConnection conn, Command prepared) {
    return wrap(type, opener, session, conn, prepared, false);
  }

  static <T extends Statement> T wrap(
      Class<T> type,
      Delegate opener,
      Session session,
      HeliosConnection conn,
      Command prepared,
      boolean fetchKeys) {
    StatementHandler h = new StatementHandler(opener, session, conn, prepared, fetchKeys);
    T proxy = ProxyCalls.proxy(type, h);
    h.self = proxy;
    return proxy;
  }

  @Override
  public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
    if (ProxyCalls.isObjectMethod(m)) {
      return ProxyCalls.objectMethod(proxy, m, args, "HeliosStatement");
    }
    String name = m.getName();
    switch (name) {
      case "unwrap":
        return ProxyCalls.unwrap(proxy, (Class<?>) args[0]);
      case "isWrapperFor":
        return ((Class<?>) args[0]).isInstance(proxy);
      case "getConnection":
        return connection;
      case "cancel":
        // sqlite3_interrupt() is safe from any thread; taking the session's lock would wait for
        // the very statement this is meant to stop. A wait for an advisory lock is the session's.
        session.cancelWaits();
        Statement d = delegate;
        return d == null ? null : ProxyCalls.invoke(d, m, args);
      default:
        break;
    }
    synchronized (session) {
      if (closedWithoutDelegate && EXECUTE.contains(name)) {
        return ProxyCalls.invoke(delegate(), m, args); // fails as on any closed statement
      }
      if (delegate == null && !EXECUTE.contains(name) && !name.equals("addBatch")) {
        Object answer = withoutDelegate(name);
        if (answer != NEEDS_DELEGATE) {
          return answer;
        }
      }
      if (EXECUTE.contains(name)) {
        commandResult = false;
        notice = null;
        if (args != null && args.length > 0 && args[0] instanceof String sql) {
          return executeText(m, args, sql);
        }
        if (prepared != null && prepared.isSessionStatement()) {
          return runCommand(prepared, name);
        }
        return execute(m, args, prepared);
      }
      switch (name) {
        case "getResultSet":
          return commandResult
              ? null
              : wrapResult(ProxyCalls.callAndSettle(session, delegate(), m, args));
        case "getUpdateCount":
        case "getLargeUpdateCount":
          if (commandResult) {
            return name.equals("getUpdateCount") ? (Object) 0 : (Object) 0L;
          }
          return ProxyCalls.callAndSettle(session, delegate(), m, args);
        case "getWarnings":
          return notice != null ? notice : ProxyCalls.callAndSettle(session, delegate(), m, args);
        case "clearWarnings":
          notice = null;
          return ProxyCalls.callAndSettle(session, delegate(), m, args);
        case "getMoreResults":
          commandResult = false;
          return ProxyCalls.callAndSettle(session, delegate(), m, args);
        case "getGeneratedKeys":
          return wrapResult(ProxyCalls.callAndSettle(session, delegate(), m, args));
        case "addBatch":
          if (args != null && args.length == 1 && args[0] instanceof String sql) {
            return addBatch(m, sql);
          }
          return ProxyCalls.callAndSettle(session, delegate(), m, args);
        default:
          return ProxyCalls.callAndSettle(session, delegate(), m, args);
      }
    }
  }

  /** Statement.execute*(String sql, ...): one statement at a time. */
  private Object executeText(Method m, Object[] args, String sql) throws Throwable {
    if (prepared != null) {
      throw new HeliosSqlException(
          SqlState.FEATURE_NOT_SUPPORTED,
          "cannot pass SQL text to a PreparedStatement's " + m.getName());
    }
    List<String> statements = SqlSplitter.split(sql);
    if (statements.isEmpty()) {
      throw new HeliosSqlException(SqlState.NO_DATA, "empty query");
    }
    Object result = null;
    for (int i = 0; i < statements.size(); i++) {
      Command c = Command.parse(statements.get(i));
      boolean last = i == statements.size() - 1;
      if (c.isSessionStatement()) {
        result = runCommand(c, m.getName());
        continue;
      }
      Object[] a = args.clone();
      a[0] = c.sql();
      if (last) {
        result = execute(m, a, c);
      } else {
        // Earlier statements of a multi-statement string: run and discard their results.
        execute(Statement.class.getMethod("execute", String.class), new Object[] {c.sql()}, c);
      }
    }
    return result;
  }

  private Object execute(Method m, Object[] args, Command c) throws Throwable {
    Command.Type type = c == null ? null : c.type();
    boolean batch = m.getName().contains("Batch");
    if (type == Command.Type.SAVEPOINT || (batch && batchOpensSavepoint)) {
      session.savepointOpened();
    }
    if (type == Command.Type.ROLLBACK_TO_SAVEPOINT || (batch && batchRollsBackToSavepoint)) {
      session.savepointRolledBack();
    }
    if (batch) {
      batchOpensSavepoint = false;
      batchRollsBackToSavepoint = false;
    }
    commandResult = false;
    fetchKeys |= asksForKeys(args);
    SQLiteConnectionConfig keys = fetchKeys ? session.sqlite().getConnectionConfig() : null;
    if (keys != null) {
      keys.setGetGeneratedKeys(true);
    }
    session.beforeStatement(c == prepared ? preparedWrites : c != null && c.writesRows());
    boolean threw = true;
    try {
      Object result = ProxyCalls.invoke(delegate(), m, args);
      threw = false;
      return result instanceof ResultSet rs ? wrapResult(rs) : result;
    } finally {
      if (keys != null) {
        keys.setGetGeneratedKeys(false);
      }
      session.afterStatement(threw);
      notice = session.takeWarnings();
    }
  }

  /**
   * Whether the arguments after the SQL of {@code Connection.prepareStatement} or {@code
   * Statement.execute*} ask for generated keys: {@code RETURN_GENERATED_KEYS}, column indexes or
   * column names (SQLite returns the rowid for all three, as sqlite-jdbc does).
   */
  static boolean asksForKeys(Object[] args) {
    if (args == null || args.length != 2) {
      return false;
    }
    Object how = args[1];
    return (how instanceof Integer i && i == Statement.RETURN_GENERATED_KEYS)
        || how instanceof int[]
        || how instanceof String[];
  }

  private Object runCommand(Command c, String method) throws SQLException {
    if (method.equals("executeQuery")) {
      throw new HeliosSqlException(SqlState.NO_DATA, "no results were returned by the query");
    }
    if (method.contains("Batch")) {
      throw new HeliosSqlException(
          SqlState.FEATURE_NOT_SUPPORTED, c.tag() + " cannot be run in a batch");
    }
    session.run(c);
    commandResult = true;
    if (c.notice() != null) {
      // PostgreSQL sends a NOTICE; JDBC reports notices as warnings on the statement.
      notice = new SQLWarning(c.notice(), SqlState.NAME_TOO_LONG.code());
    }
    return switch (method) {
      case "execute" -> false;
      case "executeLargeUpdate" -> 0L;
      default -> 0;
    };
  }

  private Object addBatch(Method m, String sql) throws Throwable {
    Command c = Command.parse(sql);
    if (c.isSessionStatement()) {
      throw new HeliosSqlException(
          SqlState.FEATURE_NOT_SUPPORTED, c.tag() + " cannot be run in a batch");
    }
    batchOpensSavepoint |= c.type() == Command.Type.SAVEPOINT;
    batchRollsBackToSavepoint |= c.type() == Command.Type.ROLLBACK_TO_SAVEPOINT;
    return ProxyCalls.invoke(delegate(), m, new Object[] {c.sql()});
  }

  private static final Object NEEDS_DELEGATE = new Object();

  private Statement delegate() throws Throwable {
    if (delegate == null) {
      Statement d = opener.open();
      if (closedWithoutDelegate) {
        d.close(); // so the call fails as on any closed statement
      }
      delegate = d;
    }
    return delegate;
  }

  /**
   * Answers a call on a statement whose sqlite-jdbc statement was never needed (only LISTEN,
   * UNLISTEN or NOTIFY ran on it); {@link #NEEDS_DELEGATE} when the call needs one.
   */
  private Object withoutDelegate(String name) {
    return switch (name) {
      case "close" -> {
        closedWithoutDelegate = true;
        yield null;
      }
      case "clearWarnings" -> {
        notice = null;
        yield null;
      }
      case "isClosed" -> closedWithoutDelegate;
      case "getMoreResults" -> false;
      case "getWarnings" -> notice;
      case "getResultSet" -> null;
      case "getUpdateCount" -> commandResult ? 0 : -1;
      case "getLargeUpdateCount" -> commandResult ? 0L : -1L;
      default -> NEEDS_DELEGATE;
    };
  }

  private Object wrapResult(Object rs) {
    return rs == null ? null : ResultSetHandler.wrap((ResultSet) rs, session, self);
  }
}
