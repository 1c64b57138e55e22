package io.heliosdb.nano.engine;

import io.heliosdb.nano.config.HeliosConfig;
import java.sql.SQLException;
import org.sqlite.Function;
import org.sqlite.SQLiteConnection;

/**
 * PostgreSQL's session information functions that drivers and tools call on connect: {@code
 * version()}, {@code pg_backend_pid()}, {@code current_database()}, {@code current_schema()},
 * {@code current_user()}, {@code session_user()}, {@code user()} (the session's user: its login
 * over the wire, the operating-system user embedded) and {@code current_setting(name [,
 * missing_ok])} and {@code set_config(name, value, is_local)}, which read and set the session's
 * run-time parameters. The bare keywords {@code current_user} etc. are the wire server's business
 * (SQLite reads them as column names).
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
    for (String name : new String[] {"current_user", "session_user", "user"}) {
      Function.create(
          conn,
          name,
          new Function() {
            @Override
            protected void xFunc() throws SQLException {
              result(session.user());
            }
          },
          0,
          INNOCUOUS);
    }
    Function.create(conn, "current_setting", new CurrentSetting(session), -1, INNOCUOUS);
    Function.create(
        conn,
        "set_config",
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            String name = value_text(0);
            if (name == null) {
              error("NULL value not allowed for set_config's name");
              return;
            }
            String value = value_text(1);
            try {
              result(session.setSetting(name, value == null ? "" : value));
            } catch (IllegalArgumentException e) {
              error(e.getMessage());
            }
          }
        },
        3,
        0);
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

  /** {@code current_setting(name)} and {@code current_setting(name, missing_ok)}. */
  private static final class CurrentSetting extends Function {
    private final SessionView session;

    CurrentSetting(SessionView session) {
      this.session = session;
    }

    @Override
    protected void xFunc() throws SQLException {
      if (args() != 1 && args() != 2) {
        error("function current_setting takes 1 or 2 arguments (name [, missing_ok])");
        return;
      }
      String name = value_text(0);
      if (name == null) {
        result();
        return;
      }
      String value = session.setting(name);
      if (value == null && !(args() == 2 && value_int(1) != 0)) {
        error("unrecognized configuration parameter \"" + name + "\"");
        return;
      }
      if (value == null) {
        result();
      } else {
        result(value);
      }
    }
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
