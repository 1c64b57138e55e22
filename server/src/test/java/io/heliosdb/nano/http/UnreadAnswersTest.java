package io.heliosdb.nano.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.config.HeliosConfig;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that sends request after request and never reads the answers: the gateway stops reading
 * it once its answers back up, so its memory stays bounded (without that, these requests would
 * queue tens of megabytes of answers), and it serves everyone else meanwhile.
 */
class UnreadAnswersTest {
  private static final int BYTES = 16 << 20; // more than socket buffers take

  @TempDir Path dir;
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        new TestServer(
            HeliosConfig.builder().path(dir.resolve("unread.db")).build(), HttpConfig.builder());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void pipelinedHttpRequestsStopBeingReadWhileTheirAnswersWait() throws Exception {
    byte[] one =
        ascii("GET /nope HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"); // each answered 404 with JSON
    try (SocketChannel ch = SocketChannel.open(server.http.address())) {
      sendUntilTheServerStopsReading(ch, one);
    }
  }

  @Test
  void webSocketRequestsStopBeingReadWhileTheirAnswersWait() throws Exception {
    try (SocketChannel ch = SocketChannel.open(server.http.address())) {
      ch.write(ByteBuffer.wrap(RawWebSocket.UPGRADE));
      String head = RawWebSocket.readUntil(ch.socket().getInputStream(), "\r\n\r\n");
      assertThat(head).startsWith("HTTP/1.1 101");
      // Each answered {"op":"error",... 22P02 ...}.
      sendUntilTheServerStopsReading(ch, RawWebSocket.maskedText("x"));
    }
  }

  private void sendUntilTheServerStopsReading(SocketChannel ch, byte[] request) throws Exception {
    ByteBuffer all = ByteBuffer.allocate(BYTES - BYTES % request.length);
    while (all.hasRemaining()) {
      all.put(request);
    }
    all.flip();
    ch.configureBlocking(false);
    AtomicInteger idlePolls = new AtomicInteger();
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              idlePolls.set(ch.write(all) == 0 ? idlePolls.get() + 1 : 0);
              return !all.hasRemaining() || idlePolls.get() >= 100;
            });
    assertThat(all.hasRemaining()).as("the server stopped reading the client").isTrue();
    assertThat(server.http.pendingWriteBytes()).isLessThan(1 << 20);
    // Everyone else is served meanwhile.
    assertThat(server.get("/health").statusCode()).isEqualTo(200);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
