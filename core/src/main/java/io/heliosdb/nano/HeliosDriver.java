package io.heliosdb.nano;

import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.session.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * JDBC driver for {@code jdbc:heliosdb:<path>} ({@code jdbc:heliosdb::memory:} for a private
 * in-memory database). Found by DriverManager through the service loader. Connections to the same
 * file share one notification hub with {@link HeliosDB} instances in this JVM.
 */
public final class HeliosDriver implements Driver {
  public static final String PREFIX = "jdbc:heliosdb:";

  static {
    try {
      DriverManager.registerDriver(new HeliosDriver());
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    String target = url.substring(PREFIX.length());
    int query = target.indexOf('?');
    if (query >= 0) {
      target = target.substring(0, query);
    }
    if (target.isEmpty()) {
      throw new SQLException("no database path in " + url, "08001");
    }
    HeliosConfig.Builder config = HeliosConfig.builder();
    if (target.equals(":memory:")) {
      config.inMemory();
    } else {
      config.path(Path.of(target));
    }
    return ConnectionHandler.open(Database.of(config.build()));
  }

  @Override
  public boolean acceptsURL(String url) {
    return url != null && url.startsWith(PREFIX);
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
    return new DriverPropertyInfo[0];
  }

  @Override
  public int getMajorVersion() {
    return 0;
  }

  @Override
  public int getMinorVersion() {
    return 1;
  }

  @Override
  public boolean jdbcCompliant() {
    return false;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("HeliosDB logs through SLF4J");
  }
}
