package io.heliosdb.nano.session;

import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.engine.SqliteOpener;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.federation.Federation;
import io.heliosdb.nano.notify.Hub;
import io.heliosdb.nano.notify.HubRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Names one database for every opener in this JVM: the key its hub is shared under and the SQLite
 * URL. Two paths to the same file (relative, absolute, through a symbolic link) give one key.
 */
public final class Database {
  private final String key;
  private final String url;
  private final HeliosConfig config;

  private Database(String key, String url, HeliosConfig config) {
    this.key = key;
    this.url = url;
    this.config = config;
  }

  /** The database {@code config} describes; an in-memory one gets a fresh private name. */
  public static Database of(HeliosConfig config) {
    if (config.inMemory()) {
      String name = "heliosdb-" + UUID.randomUUID();
      return new Database("memory:" + name, SqliteOpener.url(config, name), config);
    }
    Path canonical = canonical(config.path());
    HeliosConfig resolved = config.toBuilder().path(canonical).build();
    return new Database("file:" + canonical, SqliteOpener.url(resolved, null), resolved);
  }

  private static Path canonical(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    try {
      if (Files.exists(abs)) {
        return abs.toRealPath();
      }
      Path parent = abs.getParent();
      if (parent != null && Files.exists(parent)) {
        return parent.toRealPath().resolve(abs.getFileName());
      }
    } catch (IOException e) {
      // fall back to the normalised absolute path
    }
    return abs;
  }

  String key() {
    return key;
  }

  String url() {
    return url;
  }

  public HeliosConfig config() {
    return config;
  }

  /** A reference to this database's hub, for subscriptions outside any session; release it. */
  public HubRegistry.Shared acquireHub() throws SQLException {
    HubRegistry.Shared shared = HubRegistry.acquire(key, config);
    try {
      synchronized (shared) {
        if (shared.config().crossProcess() && shared.hub().relay() == null) {
          shared.hub().setRelay(new CrossProcessRelay(shared.hub(), shared.config(), url));
        }
        if (shared.config().federation().enabled() && shared.hub().outbound() == null) {
          shared.hub().setOutbound(Federation.start(shared.hub(), shared.config(), url));
        }
      }
      return shared;
    } catch (SQLException | RuntimeException e) {
      HubRegistry.release(shared);
      throw e;
    } catch (IOException e) {
      HubRegistry.release(shared);
      throw new SQLException(
          "cannot watch the database file for other processes' commits: " + e.getMessage(),
          SqlState.IO_ERROR.code(),
          e);
    }
  }

  /** A new process id for a Java API publisher that is not a connection. */
  public static int newPid() {
    return Hub.nextPid();
  }
}
