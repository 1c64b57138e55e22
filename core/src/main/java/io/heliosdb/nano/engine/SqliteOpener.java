package io.heliosdb.nano.engine;

import io.heliosdb.nano.config.HeliosConfig;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteOpenMode;

/**
 * Opens SQLite connections configured the way every HeliosDB connection must be: WAL for files,
 * a busy timeout, the memory limit, and the notification functions registered.
 */
public final class SqliteOpener {
  private SqliteOpener() {}

  /**
   * The sqlite-jdbc URL for a database: a file, or a named in-memory database shared by the
   * connections of this JVM that use the same name.
   */
  public static String url(HeliosConfig config, String memoryName) {
    if (config.inMemory()) {
      return "jdbc:sqlite:file:" + memoryName + "?mode=memory&cache=shared";
    }
    return "jdbc:sqlite:" + config.path().toAbsolutePath();
  }

  public static EngineConnection open(
      HeliosConfig config, String url, CommitSequencer sequencer, SessionView session)
      throws SQLException {
    SQLiteConfig sc = new SQLiteConfig();
    sc.setBusyTimeout(config.busyTimeoutMs());
    sc.setPageSize(config.pageSize());
    if (!config.inMemory() && config.enableWal()) {
      sc.setJournalMode(SQLiteConfig.JournalMode.WAL);
      sc.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    }
    if (config.inMemory()) {
      sc.setOpenMode(SQLiteOpenMode.OPEN_URI);
      sc.setSharedCache(true);
    }
    // A quarter of the memory limit for this connection's page cache (negative = KiB).
    sc.setCacheSize(-Math.max(512, config.memoryLimitMb() * 1024 / 4));
    sc.setTempStore(SQLiteConfig.TempStore.MEMORY);
    Properties props = sc.toProperties();
    SQLiteConnection conn = (SQLiteConnection) new org.sqlite.JDBC().connect(url, props);
    try {
      try (Statement s = conn.createStatement()) {
        // Process-wide in SQLite: the most recently opened database's limit applies.
        long bytes = (long) config.memoryLimitMb() * 1024 * 1024;
        s.execute("PRAGMA hard_heap_limit=" + bytes);
        s.execute("PRAGMA soft_heap_limit=" + bytes * 3 / 4);
      }
      EngineConnection engine = new EngineConnection(conn, sequencer);
      NotifyFunctions.register(
          conn, engine, session, config.maxPayloadBytes(), config.pubsubEnabled());
      return engine;
    } catch (SQLException | RuntimeException e) {
      conn.close();
      throw e;
    }
  }
}
