package io.heliosdb.nano.http;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.HeliosException;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * /health: live (the server answers) and ready (the database is open and takes a write lock). The
 * write check is {@code BEGIN IMMEDIATE; ROLLBACK} on a connection of its own: it takes SQLite's
 * write lock and writes nothing, so a full disk's read-only fallback, a file made read-only or a
 * writer holding the lock longer than a second all show as not ready.
 */
final class HealthProbe implements AutoCloseable {
  /** How long the probe waits for another writer's lock before it reports not ready. */
  private static final int BUSY_MILLIS = 1000;

  private final HeliosDB db;
  private HeliosConnection conn;
  private boolean closed;

  HealthProbe(HeliosDB db) {
    this.db = db;
  }

  /** The status (200 ready, 503 not) and the JSON body. Blocks up to a second: not on a loop. */
  synchronized Map.Entry<HttpResponseStatus, Map<String, Object>> check() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("live", true);
    if (closed || db.isClosed()) {
      body.put("ready", false);
      body.put("database", "closed");
      return Map.entry(HttpResponseStatus.SERVICE_UNAVAILABLE, body);
    }
    body.put("database", "open");
    // Informative only: a node cut off from NATS keeps working locally, so it stays ready.
    db.federation()
        .ifPresent(
            f -> {
              Map<String, Object> fed = new LinkedHashMap<>();
              fed.put("node", f.node());
              fed.put("connected", f.connected());
              fed.put("pending_forward", f.pendingForward());
              body.put("federation", fed);
            });
    try {
      if (conn == null) {
        conn = db.connection();
        try (Statement s = conn.createStatement()) {
          s.execute("PRAGMA busy_timeout = " + BUSY_MILLIS);
        }
      }
      try (Statement s = conn.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
        s.execute("ROLLBACK");
      }
      body.put("writable", true);
      body.put("ready", true);
      return Map.entry(HttpResponseStatus.OK, body);
    } catch (SQLException | HeliosException e) {
      body.put("writable", false);
      body.put("ready", false);
      body.put("error", e.getMessage());
      body.put("sqlstate", e instanceof SQLException s ? s.getSQLState() : sqlState(e));
      dropConnection();
      return Map.entry(HttpResponseStatus.SERVICE_UNAVAILABLE, body);
    }
  }

  private static String sqlState(Exception e) {
    return ((HeliosException) e).sqlState();
  }

  private void dropConnection() {
    if (conn != null) {
      try {
        conn.close();
      } catch (SQLException e) {
        // a connection that failed: nothing to keep
      }
      conn = null;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    dropConnection();
  }
}
