package io.heliosdb.nano.engine;

import io.heliosdb.nano.config.HeliosConfig;
import java.sql.SQLException;
import org.sqlite.Function;
import org.sqlite.SQLiteConnection;

/**
 * PostgreSQL's session information functions that drivers and tools call on connect: {@code
 * version()}, {@code pg_backend_pid()}, {@code current_database()}, {@code current_schema()}.
 */
final class CompatFunctions {
  /** SQLITE_DETERMINISTIC is wrong for pid; INNOCUOUS lets views and triggers use them. */
  private static final int INNOCUOUS = 0x200000;

  private CompatFunctions() {}

  static void register(SQLiteConnection conn, HeliosConfig config, SessionView session)
      throws SQLException {
    String version =
        "PostgreSQL 15.0 (HeliosDB Nano"
            + implementationVersion()
            + ", SQLite "
            + conn.getMetaData().getDatabaseProductVersion()
            + ")";
    constant(conn, "version", version);
    constant(conn, "current_schema", "public");
    constant(conn, "current_database", databaseName(config));
    Function.create(
        conn,
        "pg_backend_pid",
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            result(session.pid());
          }
        },
        0,
        INNOCUOUS);
  }

  /** The file name without its extension, as a database name; "memory" in memory. */
  static String databaseName(HeliosConfig config) {
    if (config.inMemory()) {
      return "memory";
    }
    String file = config.path().getFileName().toString();
    int dot = file.lastIndexOf('.');
    return dot > 0 ? file.substring(0, dot) : file;
  }

  private static String implementationVersion() {
    String v = CompatFunctions.class.getPackage().getImplementationVersion();
    return v == null ? "" : " " + v;
  }

  private static void constant(SQLiteConnection conn, String name, String value)
      throws SQLException {
    Function.create(
        conn,
        name,
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            result(value);
          }
        },
        0,
        INNOCUOUS);
  }
}
