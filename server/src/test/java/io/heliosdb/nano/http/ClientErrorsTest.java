package io.heliosdb.nano.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.config.HeliosConfig;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that break off or send nonsense: each such connection is counted by reason in
 * heliosdb_http_client_errors_total and leaves no WARN and no stack trace in the log, however many
 * there are.
 */
class ClientErrorsTest {
  @TempDir Path dir;
  private TestServer server;
  private StderrCapture log;

  @BeforeEach
  void start() throws Exception {
    server =
        new TestServer(
            HeliosConfig.builder().path(dir.resolve("errors.db")).metricsEnabled(true).build(),
            HttpConfig.builder());
    log = new StderrCapture();
  }

  @AfterEach
  void stop() {
    log.close();
    server.close();
  }

  private double count(String reason) throws Exception {
    String prefix = "heliosdb_http_client_errors_total{reason=\"" + reason + "\"} ";
    for (String line : server.get("/metrics").body().split("\n")) {
      if (line.startsWith(prefix)) {
        return Double.parseDouble(line.substring(prefix.length()));
      }
    }
    throw new AssertionError("no " + prefix + "in /metrics");
  }

  private void assertCounted(String reason, int n) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(count(reason)).isEqualTo(n));
  }

  private void assertNothingLogged() {
    assertThat(log.text())
        .doesNotContain("WARN")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  /** A WebSocket whose client sent the first fragment of a message and no more. */
  private void firstFragmentThenClose(int i) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.http.port())) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(RawWebSocket.UPGRADE);
      out.flush();
      RawWebSocket.readUntil(s.getInputStream(), "\r\n\r\n");
      byte[] frame = RawWebSocket.maskedText("{\"op\":\"subscribe\"," + i);
      frame[0] = 0x01; // FIN clear: a first fragment, more to come
      out.write(frame);
      out.flush();
      if (i % 2 == 1) {
        s.setSoLinger(true, 0); // and reset, not closed, every other time
      }
    }
  }

  @Test
  void webSocketsClosedMidMessageAreCountedNotLogged() throws Exception {
    for (int i = 0; i < 20; i++) {
      firstFragmentThenClose(i);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(count("closed_mid_message") + count("connection_reset")).isEqualTo(20));
    assertThat(count("closed_mid_message")).isPositive();
    assertNothingLogged();
  }

  @Test
  void brokenFramesBinaryFramesAndMalformedRequestsAreCountedNotLogged() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.http.port())) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(RawWebSocket.UPGRADE);
      RawWebSocket.readUntil(s.getInputStream(), "\r\n\r\n");
      out.write(new byte[] {(byte) 0x81, 0x01, 'x'}); // unmasked: 1002
      out.flush();
      assertThat(s.getInputStream().readAllBytes()).isNotEmpty(); // the close frame, then the end
    }
    assertCounted("websocket_protocol", 1);
    try (Socket s = new Socket("127.0.0.1", server.http.port())) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(RawWebSocket.UPGRADE);
      RawWebSocket.readUntil(s.getInputStream(), "\r\n\r\n");
      out.write(new byte[] {(byte) 0x82, (byte) 0x81, 0, 0, 0, 0, 'x'}); // binary: 1003
      out.flush();
      s.getInputStream().readAllBytes();
    }
    assertCounted("websocket_protocol", 2);
    try (RawHttp c = new RawHttp(server)) {
      assertThat(c.send("NOT HTTP AT ALL\r\n\r\n").read().status()).isEqualTo(400);
    }
    assertCounted("malformed_request", 1);
    try (RawHttp c = new RawHttp(server)) {
      c.send(
          "POST /channels/a HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n"
              + "Expect: 100-continue\r\n\r\n");
      assertThat(c.read().status()).as("the head was read").isEqualTo(100);
      c.send("abc"); // and no more
    }
    assertCounted("closed_mid_message", 1);
    assertNothingLogged();
    assertThat(server.get("/health").statusCode()).isEqualTo(200);
  }
}
