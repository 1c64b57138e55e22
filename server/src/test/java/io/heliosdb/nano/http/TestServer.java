package io.heliosdb.nano.http;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.wire.WireServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Test helper: heliosdb serve in-process, a wire server and the HTTP gateway on 127.0.0.1 with
 * ports chosen by the system, over one database; {@link #restart()} reopens the same file.
 */
final class TestServer implements AutoCloseable {
  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private final HeliosConfig dbConfig;
  private final HttpConfig httpConfig;
  HeliosDB db;
  WireServer wire;
  HttpGateway http;

  TestServer(HeliosConfig dbConfig, HttpConfig.Builder http) throws InterruptedException {
    this.dbConfig = dbConfig;
    this.httpConfig = http.listen("127.0.0.1").port(0).build();
    start();
  }

  private void start() throws InterruptedException {
    db = HeliosDB.open(dbConfig);
    wire = WireServer.start(db, WireServer.Options.loopback(0));
    http = HttpGateway.start(db, httpConfig, wire::sessionCount);
  }

  /** Stops everything and serves the same database file again, on new ports. */
  void restart() throws InterruptedException {
    close();
    start();
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + http.port() + pathAndQuery);
  }

  HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(30));
  }

  HttpResponse<String> get(String pathAndQuery) throws Exception {
    return CLIENT.send(request(pathAndQuery).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String pathAndQuery, String body, String... headers) throws Exception {
    HttpRequest.Builder b = request(pathAndQuery).POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A pgjdbc connection to the wire server. */
  Connection pg() throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + wire.port() + "/t", "me", "");
  }

  @Override
  public void close() {
    http.close();
    wire.close();
  }
}
