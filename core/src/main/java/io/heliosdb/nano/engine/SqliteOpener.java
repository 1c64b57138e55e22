package io.heliosdb.nano.engine;

import io.heliosdb.nano.config.HeliosConfig;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteLimits;
import org.sqlite.SQLiteOpenMode;

/**
 * Opens SQLite connections configured the way every HeliosDB connection must be: WAL for files, the
 * configured synchronous mode, a busy timeout, the memory limit, and the notification functions
 * registered.
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
    if (config.inMemory()) {
      sc.setOpenMode(SQLiteOpenMode.OPEN_URI);
      sc.setSharedCache(true);
    }
    // sqlite-jdbc's SQLite is built with SQLITE_DEFAULT_MEMSTATUS=0, so PRAGMA hard_heap_limit is
    // not enforced. What bounds memory instead: each connection's page cache gets a quarter of
    // the limit, no single string or blob may exceed a quarter, and temporary tables and sorts
    // spill to temporary files through that cache rather than growing in memory.
    long quarterBytes = (long) config.memoryLimitMb() * 1024 * 1024 / 4;
    sc.setCacheSize((int) -(quarterBytes / 1024));
    sc.setTempStore(SQLiteConfig.TempStore.FILE);
    // sqlite-jdbc would otherwise prepare and run SELECT last_insert_rowid() after every INSERT, a
    // third of a small INSERT's time. The embedded driver turns it on for the statements that ask
    // for generated keys (StatementHandler); nothing else reads them.
    sc.setGetGeneratedKeys(false);
    Properties props = sc.toProperties();
    SQLiteConnection conn = (SQLiteConnection) new org.sqlite.JDBC().connect(url, props);
    try {
      conn.setLimit(SQLiteLimits.SQLITE_LIMIT_LENGTH, (int) Math.min(quarterBytes, 1_000_000_000));
      try (Statement s = conn.createStatement()) {
        // page_size first: it only applies to a new file, before WAL writes the header.
        s.execute("PRAGMA page_size = " + config.pageSize());
        if (!config.inMemory() && config.enableWal()) {
          s.execute("PRAGMA journal_mode = WAL");
        }
        // Per connection, whatever the journal: the build's default is not ours to rely on. NORMAL
        // without WAL is refused by the configuration (it can corrupt the file on a power loss).
        boolean rollbackJournal = !config.inMemory() && !config.enableWal();
        s.execute("PRAGMA synchronous = " + config.synchronous().pragmaValue(rollbackJournal));
      }
      if (!config.loggedChannels().isEmpty()) {
        DurableLog.createTables(conn);
      }
      EngineConnection engine = new EngineConnection(conn, sequencer, config.loggedChannels());
      NotifyFunctions.register(
          conn, engine, session, config.maxPayloadBytes(), config.pubsubEnabled());
      CompatFunctions.register(conn, config, session);
      ConsumerFunctions.register(conn, session);
      AdvisoryLockFunctions.register(conn, session);
      CatalogFunctions.register(conn, session);
      return engine;
    } catch (SQLException | RuntimeException e) {
      conn.close();
      throw e;
    }
  }
}
