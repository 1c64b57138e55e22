package io.heliosdb.nano.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.Subscription;
import io.heliosdb.nano.config.HeliosConfig;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/1.1 pipelining: requests sent together are answered one at a time, in their order (RFC 9112,
 * 9.3.2), also when an earlier one is answered by a worker and a later one could be answered at
 * once; more than Netty's 128 at once end the connection without a stack trace.
 */
class PipeliningTest {
  private static final String HEALTH = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  private static final String NOPE = "GET /nope HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

  @TempDir Path dir;
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        new TestServer(
            HeliosConfig.builder().path(dir.resolve("pipe.db")).metricsEnabled(true).build(),
            HttpConfig.builder());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static String post(int i) {
    String body = Integer.toString(i);
    return "POST /channels/c HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
        + body.length()
        + "\r\n\r\n"
        + body;
  }

  @Test
  void answersComeInTheOrderOfTheRequests() throws Exception {
    try (RawHttp c = new RawHttp(server)) {
      c.send(HEALTH + NOPE + post(1) + NOPE + HEALTH);
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        statuses.add(c.read().status());
      }
      assertThat(statuses).containsExactly(200, 404, 204, 404, 200);
    }
  }

  @Test
  void pipelinedPublishesRunOneAfterTheOtherInOrder() throws Exception {
    try (Subscription sub = server.db.pubsub().subscribe("c");
        RawHttp c = new RawHttp(server)) {
      StringBuilder all = new StringBuilder();
      for (int i = 0; i < 50; i++) {
        all.append(post(i));
      }
      c.send(all.toString());
      for (int i = 0; i < 50; i++) {
        assertThat(c.read().status()).isEqualTo(204);
        assertThat(sub.poll(Duration.ofSeconds(30)).payload()).isEqualTo(Integer.toString(i));
      }
    }
  }

  @Test
  void webSocketRequestsSentTogetherRunOneAtATimeInOrder() throws Exception {
    try (Subscription sub = server.db.pubsub().subscribe("c");
        Socket s = new Socket("127.0.0.1", server.http.port())) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(RawWebSocket.UPGRADE);
      out.flush();
      RawWebSocket.readUntil(s.getInputStream(), "\r\n\r\n");
      ByteArrayOutputStream requests = new ByteArrayOutputStream();
      for (int i = 0; i < 30; i++) {
        requests.write(
            RawWebSocket.maskedText(
                "{\"op\":\"notify\",\"channel\":\"c\",\"payload\":" + i + ",\"ref\":" + i + "}"));
      }
      out.write(requests.toByteArray());
      out.flush();
      for (int i = 0; i < 30; i++) {
        assertThat(RawWebSocket.readUntil(s.getInputStream(), "}"))
            .endsWith("\"op\":\"notified\",\"channel\":\"c\",\"ref\":" + i + "}");
        assertThat(sub.poll(Duration.ofSeconds(30)).payload()).isEqualTo(Integer.toString(i));
      }
    }
  }

  @Test
  void moreThan128AtOnceEndTheConnectionWithoutAStackTrace() throws Exception {
    try (StderrCapture log = new StderrCapture();
        RawHttp c = new RawHttp(server)) {
      c.send(post(0).repeat(200));
      int answered = 0;
      try {
        for (; answered < 200; answered++) {
          assertThat(c.read().status()).isEqualTo(204);
        }
      } catch (java.io.IOException closed) {
        // what the server answered before it closed the connection
      }
      assertThat(answered).isLessThan(200);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(server.get("/metrics").body())
                      .contains(
                          "heliosdb_http_client_errors_total{reason=\"malformed_request\"} 1.0"));
      assertThat(log.text()).doesNotContain("WARN").doesNotContain("\tat ");
    }
    assertThat(server.get("/health").statusCode()).isEqualTo(200);
  }
}
