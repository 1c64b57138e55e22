package io.heliosdb.nano.spring;

import io.heliosdb.nano.HeliosDB;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Connections of an open {@link HeliosDB}, for a pool to hold: the pool's connections and the
 * HeliosDB bean are one database, also when it is {@code :memory:} (a URL would open a private one
 * per connection), so what commits through the pool reaches the bean's subscribers.
 */
final class HeliosDataSource implements DataSource {
  private final HeliosDB db;

  HeliosDataSource(HeliosDB db) {
    this.db = db;
  }

  @Override
  public Connection getConnection() {
    return db.connection();
  }

  /** An embedded database has no login: the user and password are ignored, as the driver does. */
  @Override
  public Connection getConnection(String username, String password) {
    return db.connection();
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("HeliosDB logs through SLF4J");
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("not a wrapper for " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}
