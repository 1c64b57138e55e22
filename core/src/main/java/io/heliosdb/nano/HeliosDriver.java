package io.heliosdb.nano;

import io.heliosdb.nano.config.ConfigException;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.config.JdbcConfig;
import io.heliosdb.nano.config.WorkflowStep;
import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.session.ConsumerStore;
import io.heliosdb.nano.session.Database;
import io.heliosdb.nano.session.WorkerNames;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * JDBC driver for {@code jdbc:heliosdb:<path>?key=value&...} ({@code jdbc:heliosdb::memory:} for a
 * private in-memory database). The keys are heliosdb.toml's, without section, and {@code config}
 * names a file to read first: see {@link JdbcConfig} and docs/configuration.md. Found by
 * DriverManager through the service loader. Connections to the same file share one notification hub
 * with {@link HeliosDB} instances in this JVM, and the settings of the first to open it: a
 * connection asking for another value of a key fails with 55000.
 */
public final class HeliosDriver implements Driver {
  public static final String PREFIX = JdbcConfig.PREFIX;

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
    JdbcConfig request;
    try {
      request = JdbcConfig.read(url, info);
    } catch (ConfigException e) {
      throw new SQLException(e.getMessage(), e.sqlState(), e);
    }
    Database db = Database.of(request.config());
    HeliosConnection c;
    try {
      c = ConnectionHandler.open(db);
    } catch (ConfigException e) {
      // The hub refuses another list of durable channels, or cross_process = true when the
      // database is open here without it.
      throw new HeliosSqlException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, e.getMessage(), e);
    }
    try {
      HeliosConfig open = ConnectionHandler.databaseConfig(c);
      String conflict = request.conflictWith(open);
      if (conflict != null) {
        throw new HeliosSqlException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, conflict);
      }
      if (open == db.config()) {
        // This connection opened the database: create the steps' consumers, as HeliosDB.open
        // does, so that workers can claim them.
        createStepConsumers(db, open);
      }
      return c;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private static void createStepConsumers(Database db, HeliosConfig config) throws SQLException {
    for (WorkflowStep step : config.workflowSteps()) {
      try (ConsumerStore store =
          new ConsumerStore(
              ConnectionHandler.open(db), WorkerNames.of("setup"), config.maxPayloadBytes())) {
        store.create(
            step.name(),
            List.of(step.triggerChannel()),
            step.consumer(),
            config.durableChannels(),
            true);
      }
    }
  }

  @Override
  public boolean acceptsURL(String url) {
    return url != null && url.startsWith(PREFIX);
  }

  /**
   * Every key the URL takes, with its value for {@code url} and {@code info} (the URL's, else the
   * property's, else the file's named by {@code config}, else the default), its description and,
   * for booleans and {@code synchronous}, its choices. Nothing is validated: {@link #connect} says
   * what is wrong.
   */
  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
    if (!acceptsURL(url)) {
      return new DriverPropertyInfo[0];
    }
    List<JdbcConfig.KeyInfo> keys = JdbcConfig.describe(url, info);
    DriverPropertyInfo[] result = new DriverPropertyInfo[keys.size()];
    for (int i = 0; i < result.length; i++) {
      JdbcConfig.KeyInfo k = keys.get(i);
      DriverPropertyInfo p = new DriverPropertyInfo(k.name(), k.value());
      p.description = k.description();
      p.choices = k.choices();
      p.required = false;
      result[i] = p;
    }
    return result;
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
