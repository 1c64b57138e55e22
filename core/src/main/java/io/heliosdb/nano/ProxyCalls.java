package io.heliosdb.nano;

import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.session.Session;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.SQLException;

/**
 * What the JDBC proxies share: calling the sqlite-jdbc object underneath, translating its errors to
 * PostgreSQL SQLSTATEs, and telling the session after every call, because a transaction can end in
 * any of them (a ResultSet.next() that finishes an autocommit statement, a close, a commit).
 */
final class ProxyCalls {
  private ProxyCalls() {}

  /** Invokes {@code method} on {@code target}, unwrapping reflection's exception. */
  static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw cause instanceof SQLException sql ? HeliosSqlException.translate(sql) : cause;
    }
  }

  /** Runs a call and reports to the session whether it threw, so commits are handed over. */
  static Object callAndSettle(Session session, Object target, Method method, Object[] args)
      throws Throwable {
    boolean threw = true;
    try {
      Object result = invoke(target, method, args);
      threw = false;
      return result;
    } finally {
      settle(session, threw);
    }
  }

  static void settle(Session session, boolean threw) throws SQLException {
    if (!session.isClosed()) {
      session.afterCall(threw);
    }
  }

  @SuppressWarnings("unchecked")
  static <T> T proxy(Class<T> type, java.lang.reflect.InvocationHandler handler) {
    return (T)
        Proxy.newProxyInstance(ProxyCalls.class.getClassLoader(), new Class<?>[] {type}, handler);
  }

  /** unwrap(): only our own interfaces; the SQLite connection underneath is not handed out. */
  static Object unwrap(Object self, Class<?> iface) throws SQLException {
    if (iface.isInstance(self)) {
      return self;
    }
    throw new HeliosSqlException(
        SqlState.FEATURE_NOT_SUPPORTED, "cannot unwrap to " + iface.getName());
  }

  static boolean isObjectMethod(Method m) {
    return m.getDeclaringClass() == Object.class;
  }

  static Object objectMethod(Object self, Method m, Object[] args, String label) {
    return switch (m.getName()) {
      case "equals" -> self == args[0];
      case "hashCode" -> System.identityHashCode(self);
      default -> label;
    };
  }
}
