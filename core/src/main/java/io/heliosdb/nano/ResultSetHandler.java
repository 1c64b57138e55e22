package io.heliosdb.nano;

import io.heliosdb.nano.session.Session;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.sql.ResultSet;

/**
 * A ResultSet whose every call is reported to the session: in autocommit, a statement such as
 * {@code SELECT pg_notify(...)} or {@code INSERT ... RETURNING} commits only when its last row has
 * been read or the result set is closed, and a row that fails to compute fails the statement.
 */
final class ResultSetHandler implements InvocationHandler {
  private final ResultSet delegate;
  private final Session session;
  private final Object statement;

  private ResultSetHandler(ResultSet delegate, Session session, Object statement) {
    this.delegate = delegate;
    this.session = session;
    this.statement = statement;
  }

  static ResultSet wrap(ResultSet rs, Session session, Object statement) {
    return ProxyCalls.proxy(ResultSet.class, new ResultSetHandler(rs, session, statement));
  }

  @Override
  public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
    if (ProxyCalls.isObjectMethod(m)) {
      return ProxyCalls.objectMethod(proxy, m, args, "HeliosResultSet");
    }
    switch (m.getName()) {
      case "getStatement":
        return statement;
      case "unwrap":
        return ProxyCalls.unwrap(proxy, (Class<?>) args[0]);
      case "isWrapperFor":
        return ((Class<?>) args[0]).isInstance(proxy);
      default:
        break;
    }
    synchronized (session) {
      if (!m.getName().equals("next")) {
        return ProxyCalls.callAndSettle(session, delegate, m, args);
      }
      boolean threw = true;
      try {
        Object result = ProxyCalls.invoke(delegate, m, args);
        threw = false;
        return result;
      } finally {
        // A row that fails to compute fails its statement: drop what that statement sent.
        if (!session.isClosed()) {
          session.afterStatement(threw);
        }
      }
    }
  }
}
