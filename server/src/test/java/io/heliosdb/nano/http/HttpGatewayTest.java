package io.heliosdb.nano.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliosdb.nano.Notification;
import io.heliosdb.nano.Subscription;
import io.heliosdb.nano.config.HeliosConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's plain endpoints and its answers to bad input: /health, /metrics, publishing. */
class HttpGatewayTest {
  @TempDir Path dir;
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        new TestServer(
            HeliosConfig.builder()
                .path(dir.resolve("gw.db"))
                .metricsEnabled(true)
                .maxPayloadBytes(100)
                .durableChannels("orders")
                .build(),
            HttpConfig.builder().corsAllowedOrigins(java.util.List.of("https://app.example")));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    return Responses.JSON.readTree(r.body());
  }

  private static void assertError(HttpResponse<String> r, int status, String sqlState, String msg)
      throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode body = json(r);
    assertThat(body.path("error").asText()).contains(msg);
    if (sqlState == null) {
      assertThat(body.has("sqlstate")).isFalse();
    } else {
      assertThat(body.path("sqlstate").asText()).isEqualTo(sqlState);
    }
  }

  @Test
  void healthIsReadyWhileTheDatabaseTakesWritesAndNotOnceItIsClosed() throws Exception {
    HttpResponse<String> r = server.get("/health");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.path("live").asBoolean()).isTrue();
    assertThat(body.path("ready").asBoolean()).isTrue();
    assertThat(body.path("writable").asBoolean()).isTrue();
    assertThat(body.path("database").asText()).isEqualTo("open");

    server.db.close(); // as if it failed under the gateway
    HttpResponse<String> down = server.get("/health");
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(json(down).path("ready").asBoolean()).isFalse();
    assertThat(json(down).path("database").asText()).isEqualTo("closed");
  }

  @Test
  void healthIsNotReadyWhileAnotherWriterHoldsTheLock() throws Exception {
    try (Connection c = server.pg()) {
      c.setAutoCommit(false);
      c.createStatement().execute("CREATE TABLE held(x INTEGER)"); // takes the write lock
      HttpResponse<String> r = server.get("/health");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
      assertThat(json(r).path("writable").asBoolean()).isFalse();
      assertThat(json(r).path("sqlstate").asText()).isEqualTo("55P03");
      c.rollback();
    }
    assertThat(server.get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void publishCommitsAndDelivers() throws Exception {
    try (Subscription sub = server.db.pubsub().subscribe("news")) {
      HttpResponse<String> r = server.post("/channels/news", "line one\nline two");
      assertThat(r.statusCode()).isEqualTo(204);
      Notification n = sub.poll(Duration.ofSeconds(30));
      assertThat(n.channel()).isEqualTo("news");
      assertThat(n.payload()).isEqualTo("line one\nline two");
    }
    // A durable channel keeps it in the log, committed.
    assertThat(server.post("/channels/orders", "{\"id\":1}").statusCode()).isEqualTo(204);
    assertThat(server.db.query("SELECT payload FROM heliosdb_notifications"))
        .extracting(row -> row.get("payload"))
        .containsExactly("{\"id\":1}");
    // Percent-encoding in the path: a name with a space and a slash.
    try (Subscription sub = server.db.pubsub().subscribe("a b/c")) {
      assertThat(server.post("/channels/a%20b%2Fc", "x").statusCode()).isEqualTo(204);
      assertThat(sub.poll(Duration.ofSeconds(30)).payload()).isEqualTo("x");
    }
  }

  @Test
  void payloadsOfMaxPayloadBytesOrMoreAre413() throws Exception {
    assertThat(server.post("/channels/c", "x".repeat(99)).statusCode()).isEqualTo(204);
    assertError(
        server.post("/channels/c", "x".repeat(100)), 413, "22023", "payload string too long");
    // Beyond the aggregator's cap: refused before the body is read.
    assertError(
        server.post("/channels/c", "x".repeat(100_000)), 413, "22023", "max_payload_bytes = 100");
    // A client that asks first (curl does for large bodies) is told before it sends the body.
    assertThat(
            raw(
                "POST /channels/c HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n"
                    + "Expect: 100-continue\r\n\r\n"))
        .startsWith("HTTP/1.1 413 Request Entity Too Large")
        .doesNotContain("100 Continue")
        .contains("payload string too long: 100000 bytes");
    assertThat(server.get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void oddChannelNamesAre400WithTheReason() throws Exception {
    assertError(server.post("/channels/", "x"), 400, "22023", "channel name is empty");
    assertError(
        server.post("/channels/" + "c".repeat(64), "x"), 400, "22023", "64 bytes long: at most 63");
    assertThat(server.post("/channels/" + "c".repeat(63), "x").statusCode()).isEqualTo(204);
    assertError(server.post("/channels/a%0Ab", "x"), 400, "22023", "control character (U+000A)");
    assertError(server.get("/events"), 400, "22023", "name at least one channel");
    assertThat(raw("GET /channels/%ZZ/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
        .startsWith("HTTP/1.1 400 Bad Request")
        .contains("not valid percent-encoding");
    assertError(server.get("/channels/orders/events?from_id=-3"), 400, "22023", "from_id must be");
    assertError(
        server.get("/channels/news/events?from_id=3"),
        400,
        "22023",
        "channel \"news\" is not durable");
  }

  @Test
  void unknownPathsAre404AndWrongMethods405() throws Exception {
    assertError(server.get("/nope"), 404, null, "no such endpoint: /nope");
    assertError(server.get("/channels/a/b/c"), 404, null, "no such endpoint");
    HttpResponse<String> r = server.get("/channels/orders");
    assertError(r, 405, null, "GET is not allowed on /channels/{channel}: use POST");
    assertThat(r.headers().firstValue("Allow")).hasValue("POST, OPTIONS");
    assertError(server.post("/health", ""), 405, null, "use GET");
  }

  @Test
  void hugeHeadersAre431AndTheServerGoesOn() throws Exception {
    String reply =
        raw("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "y".repeat(20_000) + "\r\n\r\n");
    assertThat(reply).startsWith("HTTP/1.1 431 Request Header Fields Too Large");
    assertThat(reply).contains("\"error\":\"request headers too large");
    assertThat(raw("GET /" + "a".repeat(5000) + " HTTP/1.1\r\n\r\n"))
        .startsWith("HTTP/1.1 414 Request-URI Too Long");
    assertThat(raw("NOT HTTP AT ALL\r\n\r\n")).startsWith("HTTP/1.1 400 Bad Request");
    assertThat(server.get("/health").statusCode()).isEqualTo(200);
  }

  /** Sends {@code request} as it is on a socket; what the server answered until it closed. */
  private String raw(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.http.port())) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void metricsInPrometheusTextFormat() throws Exception {
    try (Subscription sub = server.db.pubsub().subscribe("m");
        SseClient stream = new SseClient(server, "/channels/m/events");
        Connection pg = server.pg()) {
      pg.createStatement().execute("NOTIFY m, 'one'");
      assertThat(stream.next().data()).isEqualTo("one");
      assertThat(sub.poll(Duration.ofSeconds(30)).payload()).isEqualTo("one");

      HttpResponse<String> r = server.get("/metrics");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
      String text = r.body();
      assertThat(text)
          .contains("# TYPE heliosdb_notifications_sent_total counter")
          .contains("heliosdb_notifications_sent_total 1.0")
          .contains("heliosdb_notifications_delivered_total 2.0")
          .contains("heliosdb_notifications_dropped_total{reason=\"queue_full\"} 0.0")
          .contains("heliosdb_subscriptions 2.0")
          .contains("heliosdb_channels 1.0")
          .contains("heliosdb_durable_log_retained 0.0")
          .contains("heliosdb_durable_log_newest_id 0.0")
          .contains("heliosdb_wire_sessions 1.0")
          .contains("heliosdb_http_streams 1.0")
          .contains("# TYPE heliosdb_notification_delivery_duration_seconds histogram")
          .contains("heliosdb_notification_delivery_duration_seconds_bucket{le=\"+Inf\"} 2")
          .contains("heliosdb_notification_delivery_duration_seconds_count 2");
    }
  }

  @Test
  void corsPreflightFromAnAllowedOriginOnly() throws Exception {
    HttpResponse<String> ok =
        TestServer.CLIENT.send(
            server
                .request("/channels/orders")
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(204);
    assertThat(ok.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://app.example");
    assertThat(ok.headers().firstValue("Access-Control-Allow-Methods")).hasValue("POST, OPTIONS");
    assertThat(ok.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
        .contains("Authorization")
        .contains("Last-Event-ID");

    HttpResponse<String> other =
        TestServer.CLIENT.send(
            server
                .request("/channels/orders")
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertError(other, 403, null, "is not in cors_allowed_origins");
    assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

    HttpResponse<String> get =
        TestServer.CLIENT.send(
            server.request("/health").header("Origin", "https://app.example").build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://app.example");
  }

  @Test
  void beyondMaxConnectionsWithEveryConnectionBusyIs503AndMetricsOffIs404() throws Exception {
    try (TestServer small =
        new TestServer(
            HeliosConfig.builder().path(dir.resolve("small.db")).build(),
            HttpConfig.builder().maxConnections(1))) {
      try (SseClient busy = new SseClient(small, "/channels/c/events")) {
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> small.http.streamCount() == 1);
        HttpResponse<String> r = small.get("/health");
        assertError(r, 503, "53300", "too many connections: max_connections of [http] reached");
      }
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> small.get("/health").statusCode() == 200);
      assertError(small.get("/metrics"), 404, null, "metrics are off: set metrics_enabled = true");
    }
  }
}
