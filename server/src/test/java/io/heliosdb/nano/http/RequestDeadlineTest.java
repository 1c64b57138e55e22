package io.heliosdb.nano.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.config.HeliosConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * request_head_timeout and request_body_timeout (1 s here), and max_connections with connections
 * that never finish a request: they are closed, and cannot keep /health or real clients out.
 * Streams and WebSockets are not requests and stay open.
 */
class RequestDeadlineTest {
  @TempDir Path dir;
  private TestServer server;
  private final List<RawHttp> raw = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (RawHttp c : raw) {
      c.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private void start(HttpConfig.Builder http) throws Exception {
    server =
        new TestServer(
            HeliosConfig.builder().path(dir.resolve("deadline.db")).metricsEnabled(true).build(),
            http);
  }

  /** Both timeouts 1 s. */
  private static HttpConfig.Builder oneSecond() {
    return HttpConfig.builder()
        .requestHeadTimeout(Duration.ofSeconds(1))
        .requestBodyTimeout(Duration.ofSeconds(1));
  }

  private RawHttp connect() throws Exception {
    RawHttp c = new RawHttp(server);
    raw.add(c);
    return c;
  }

  /** {@code c}, once the server counts {@code n} connections waiting for a request. */
  private RawHttp waiting(RawHttp c, int n) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(server.http.waitingCount()).isEqualTo(n));
    return c;
  }

  private static void assertTimedOut(RawHttp c, String message) throws Exception {
    RawHttp.Response r = c.read();
    assertThat(r.status()).as(r.body()).isEqualTo(408);
    assertThat(r.headers().get("connection")).isEqualTo("close");
    assertThat(r.json().path("sqlstate").asText()).isEqualTo("57014");
    assertThat(r.json().path("error").asText()).isEqualTo(message);
    assertThat(c.closedByServer(30_000)).isTrue();
  }

  @Test
  void halfAHeadOrHalfABodyIs408AndNothingAtAllIsClosedSilently() throws Exception {
    start(oneSecond());
    RawHttp nothing = connect();
    RawHttp halfHead = connect().send("GET /health HTTP/1.1\r\nHo");
    RawHttp halfBody =
        connect()
            .send("POST /channels/c HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nab");
    assertThat(nothing.closedByServer(30_000)).as("closed without an answer").isTrue();
    assertTimedOut(halfHead, "request head not complete within request_head_timeout = 1s");
    assertTimedOut(halfBody, "request body not complete within request_body_timeout = 1s");
    assertThat(server.get("/metrics").body())
        .contains("heliosdb_http_client_errors_total{reason=\"request_timeout\"} 3.0");
    await().atMost(Duration.ofSeconds(30)).until(() -> server.http.connectionCount() <= 1);
  }

  @Test
  void theHeadTimeoutIsADeadlineThatATrickleDoesNotPutOff() throws Exception {
    start(oneSecond());
    RawHttp c = connect();
    String head = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "y".repeat(200);
    int sent = 0;
    // A byte every 100 ms, each well within any idle timeout: the deadline ends it all the same.
    while (!c.answered(100)) {
      assertThat(sent).as("answered before the head was sent").isLessThan(head.length());
      c.send(head.substring(sent, sent + 1));
      sent++;
    }
    assertTimedOut(c, "request head not complete within request_head_timeout = 1s");
  }

  @Test
  void aKeptAliveConnectionGetsAnswersThenIsClosedWhenIdle() throws Exception {
    start(oneSecond());
    RawHttp c = connect();
    for (int i = 0; i < 3; i++) {
      assertThat(c.get("/health").read().status()).isEqualTo(200);
    }
    assertThat(c.closedByServer(30_000)).as("closed without an answer").isTrue();
  }

  @Test
  void streamsAndWebSocketsOutliveTheRequestTimeouts() throws Exception {
    start(oneSecond());
    try (SseClient stream = new SseClient(server, "/channels/c/events");
        WsClient ws = WsClient.connect(server)) {
      ws.send("{\"op\":\"subscribe\",\"channels\":[\"c\"]}");
      ws.next("subscribed");
      // Outlast the head timeout: an idle connection opened after both is closed by it first.
      assertThat(connect().closedByServer(30_000)).isTrue();
      assertThat(server.post("/channels/c", "still here").statusCode()).isEqualTo(204);
      assertThat(stream.next().data()).isEqualTo("still here");
      assertThat(ws.next().path("payload").asText()).isEqualTo("still here");
    }
  }

  @Test
  void atMaxConnectionsTheConnectionWaitingLongestMakesRoom() throws Exception {
    start(HttpConfig.builder().maxConnections(3));
    // One after the other as the server sees them (two event loops accept in any order).
    RawHttp oldest = waiting(connect(), 1);
    RawHttp halfHead = waiting(connect(), 2).send("GET /health HTTP/1.1\r\n");
    RawHttp newest = waiting(connect(), 3);
    // /health is answered, and truthfully: the idle connections made room for it.
    RawHttp probe = connect();
    assertThat(probe.get("/health").read().status()).isEqualTo(200);
    assertThat(oldest.closedByServer(30_000)).as("evicted without a word").isTrue();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(server.http.connectionCount()).isEqualTo(3));
    // Next in line: the one that sent half a head, told why.
    RawHttp another = connect();
    assertThat(another.get("/health").read().status()).isEqualTo(200);
    RawHttp.Response r = halfHead.read();
    assertThat(r.status()).as(r.body()).isEqualTo(503);
    assertThat(r.json().path("sqlstate").asText()).isEqualTo("53300");
    assertThat(r.json().path("error").asText()).contains("waited longest for its request");
    assertThat(halfHead.closedByServer(30_000)).isTrue();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(server.http.connectionCount()).isEqualTo(3));
    // Then the newest of the first three, for the scrape's connection.
    assertThat(server.get("/metrics").statusCode()).isEqualTo(200);
    assertThat(newest.closedByServer(30_000)).isTrue();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(server.get("/metrics").body())
                    .contains("heliosdb_http_client_errors_total{reason=\"evicted\"} 3.0"));
  }

  @Test
  void atMaxConnectionsWithEveryConnectionBusyANewOneIs503() throws Exception {
    start(HttpConfig.builder().maxConnections(2));
    try (SseClient one = new SseClient(server, "/channels/a/events");
        SseClient two = new SseClient(server, "/channels/b/events")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> server.http.streamCount() == 2);
      RawHttp.Response r = connect().get("/health").read();
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.json().path("sqlstate").asText()).isEqualTo("53300");
      assertThat(server.http.streamCount()).isEqualTo(2);
    }
  }
}
