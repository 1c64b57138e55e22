package io.heliosdb.nano.examples;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.http.HttpConfig;
import io.heliosdb.nano.http.HttpGateway;
import io.heliosdb.nano.wire.WireServer;
import java.util.concurrent.CountDownLatch;

/**
 * A database served as {@code heliosdb serve} serves it, in this process: the PostgreSQL wire
 * protocol on loopback and the HTTP gateway (events, WebSocket, static pages) next to it. Closing
 * it stops both servers, then the database.
 */
final class ServedDatabase implements AutoCloseable {
  private final HeliosDB db;
  private final WireServer wire;
  private final HttpGateway http;

  private ServedDatabase(HeliosDB db, WireServer wire, HttpGateway http) {
    this.db = db;
    this.wire = wire;
    this.http = http;
  }

  /**
   * Opens the database, then starts the wire server on {@code wirePort} and the gateway as {@code
   * http} says (port 0 on either: a free one).
   */
  static ServedDatabase start(HeliosConfig dbConfig, int wirePort, HttpConfig http)
      throws InterruptedException {
    HeliosDB db = HeliosDB.open(dbConfig);
    WireServer wire = null;
    try {
      wire = WireServer.start(db, WireServer.Options.loopback(wirePort));
      HttpGateway gateway = HttpGateway.start(db, http, wire::sessionCount);
      return new ServedDatabase(db, wire, gateway);
    } catch (RuntimeException | InterruptedException e) {
      if (wire != null) {
        wire.close();
      }
      db.close();
      throw e;
    }
  }

  /**
   * Closes {@code app} when the JVM is asked to stop (Ctrl-C, SIGTERM); the latch opens once it has
   * closed, so that a main thread waiting on it ends after the clean-up.
   */
  static CountDownLatch closeOnExit(AutoCloseable app) {
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    app.close();
                  } catch (Exception e) {
                    System.err.println("closing: " + e);
                  } finally {
                    closed.countDown();
                  }
                }));
    return closed;
  }

  HeliosDB db() {
    return db;
  }

  /** The pgjdbc URL of the wire server (trust authentication on loopback: any user name). */
  String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + wire.port() + "/" + database;
  }

  int wirePort() {
    return wire.port();
  }

  /** {@code http://127.0.0.1:PORT} followed by {@code pathAndQuery}. */
  String httpUrl(String pathAndQuery) {
    return "http://127.0.0.1:" + http.port() + pathAndQuery;
  }

  @Override
  public void close() {
    try {
      http.close();
      wire.close();
    } finally {
      db.close();
    }
  }
}
