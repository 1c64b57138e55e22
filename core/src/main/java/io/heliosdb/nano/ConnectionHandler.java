package io.heliosdb.nano;

import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.notify.Message;
import io.heliosdb.nano.session.Command;
import io.heliosdb.nano.session.ConnectionGate;
import io.heliosdb.nano.session.Database;
import io.heliosdb.nano.session.Session;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The {@link HeliosConnection} handed to users: a sqlite-jdbc connection underneath, with every
 * statement bracketed by the session so that notifications follow transactions. Calls on one
 * connection are serialised, as sqlite-jdbc serialises them underneath.
 */
final class ConnectionHandler implements InvocationHandler {
  private final Session session;
  private HeliosConnection self;

  private ConnectionHandler(Session session) {
    this.session = session;
  }

  static HeliosConnection open(Database db) throws SQLException {
    return open(db, null);
  }

  /**
   * A connection whose SQLite connection opens at the first statement that needs it, if {@code
   * gate} allows; eager when {@code gate} is null.
   */
  static HeliosConnection open(Database db, ConnectionGate gate) throws SQLException {
    Session session;
    try {
      session = gate == null ? Session.open(db) : Session.openLazily(db, gate);
    } catch (SQLException e) {
      // e.g. "file is not a database" (XX001), "unable to open database file" (58030)
      throw HeliosSqlException.translate(e);
    }
    session.consumerConnections(() -> open(db, null));
    ConnectionHandler h = new ConnectionHandler(session);
    h.self = ProxyCalls.proxy(HeliosConnection.class, h);
    return h.self;
  }

  /**
   * The settings the database of {@code c} is open with: the first opener's in this JVM (the same
   * object as its {@code Database.config()} when {@code c} opened it).
   */
  static HeliosConfig databaseConfig(HeliosConnection c) {
    return ((ConnectionHandler) java.lang.reflect.Proxy.getInvocationHandler(c)).session.config();
  }

  @Override
  @SuppressWarnings("unchecked")
  public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
    if (ProxyCalls.isObjectMethod(m)) {
      return ProxyCalls.objectMethod(proxy, m, args, "HeliosConnection[pid=" + session.pid() + "]");
    }
    String name = m.getName();
    switch (name) {
      case "close":
        synchronized (session) {
          session.close();
        }
        return null;
      case "isClosed":
        return session.isClosed();
      case "unwrap":
        return ProxyCalls.unwrap(proxy, (Class<?>) args[0]);
      case "isWrapperFor":
        return ((Class<?>) args[0]).isInstance(proxy);
      case "getBackendPID":
        return session.pid();
      case "getNotifications":
        return notifications(args == null ? -1 : (Integer) args[0]);
      case "nextNotification":
        return Notification.of(session.poll());
      case "isNotificationQueueOverflowing":
        return session.isNotificationQueueOverflowing();
      default:
        break;
    }
    synchronized (session) {
      if (session.isClosed()) {
        throw new HeliosSqlException(SqlState.CONNECTION_DOES_NOT_EXIST, "connection is closed");
      }
      switch (name) {
        case "notify":
          session.notify((String) args[0], (String) args[1]);
          return null;
        case "listeningChannels":
          return session.listeningChannels();
        case "onNotification":
          session.onNotification((Runnable) args[0]);
          return null;
        case "inTransaction":
          return session.inTransaction();
        case "setSessionParameters":
          session.parameters(
              (String) args[0],
              (Function<String, String>) args[1],
              (BiFunction<String, String, String>) args[2]);
          return null;
        case "createStatement":
          return lazyStatement(Statement.class, m, args, null);
        case "prepareStatement":
          return prepare(m, args);
        case "prepareCall":
          throw new HeliosSqlException(
              SqlState.FEATURE_NOT_SUPPORTED, "stored procedures are not supported");
        case "rollback":
          if (args != null && args.length == 1) {
            session.savepointRolledBack();
            return ProxyCalls.callAndSettle(session, sqlite(), m, args);
          }
          try {
            return ProxyCalls.callAndSettle(session, sqlite(), m, args);
          } finally {
            session.transactionEnded();
          }
        case "commit":
          Object committed = ProxyCalls.callAndSettle(session, sqlite(), m, args);
          session.transactionEnded(); // a failed commit leaves the transaction open
          return committed;
        case "setSavepoint":
          session.savepointOpened();
          return ProxyCalls.callAndSettle(session, sqlite(), m, args);
        default:
          if (!session.hasConnection()
              && (name.equals("getAutoCommit") || name.equals("isValid"))) {
            return true; // what a connection would answer before its first statement
          }
          return ProxyCalls.callAndSettle(session, sqlite(), m, args);
      }
    }
  }

  /** A statement whose sqlite-jdbc one is created by {@code m} when a call first needs it. */
  private <T extends Statement> T lazyStatement(Class<T> type, Method m, Object[] args, Command c) {
    return StatementHandler.wrap(
        type, () -> (Statement) ProxyCalls.invoke(sqlite(), m, args), session, self, c);
  }

  private Connection sqlite() throws SQLException {
    return session.sqlite();
  }

  private Object prepare(Method m, Object[] args) throws Throwable {
    List<String> statements = io.heliosdb.nano.session.SqlSplitter.split((String) args[0]);
    if (statements.size() > 1) {
      throw new HeliosSqlException(
          SqlState.SYNTAX_ERROR, "cannot insert multiple commands into a prepared statement");
    }
    Command c = Command.parse(statements.isEmpty() ? "" : statements.get(0));
    Object[] delegateArgs = args.clone();
    if (c.isSessionStatement()) {
      // A statement with no parameters stands in; execute() runs the command itself.
      delegateArgs[0] = "SELECT NULL";
    } else if (!statements.isEmpty()) {
      delegateArgs[0] = c.sql();
    }
    if (c.isSessionStatement()) {
      // The stand-in is prepared when a call needs it: running the command needs none.
      return lazyStatement(PreparedStatement.class, m, delegateArgs, c);
    }
    PreparedStatement ps = (PreparedStatement) ProxyCalls.invoke(sqlite(), m, delegateArgs);
    return StatementHandler.wrap(
        PreparedStatement.class, () -> ps, session, self, c, StatementHandler.asksForKeys(args));
  }

  private Notification[] notifications(int timeoutMillis) throws SQLException {
    List<Notification> out = new ArrayList<>();
    Message m = session.poll();
    try {
      if (m == null && timeoutMillis >= 0 && !session.isClosed()) {
        m =
            timeoutMillis == 0
                ? session.poll(Long.MAX_VALUE, TimeUnit.DAYS)
                : session.poll(timeoutMillis, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HeliosSqlException(SqlState.QUERY_CANCELED, "interrupted while waiting");
    }
    while (m != null) {
      out.add(Notification.of(m));
      m = session.poll();
    }
    return out.toArray(new Notification[0]);
  }
}
