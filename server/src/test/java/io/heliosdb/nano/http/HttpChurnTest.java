package io.heliosdb.nano.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.config.HeliosConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ten thousand HTTP connections opened and dropped from eight threads, in every way a client can
 * go: right after connecting, mid request line, mid body, with an event stream open, with a
 * WebSocket open (half of those after subscribing), each either closed or reset. Afterwards the
 * gateway holds no connection, stream, WebSocket, subscription or file descriptor from them, and a
 * stream open the whole time has received every notification published meanwhile.
 */
class HttpChurnTest {
  private static final int CONNECTIONS = 10_000;
  private static final int THREADS = 8;
  private static final int WAYS = 6;

  @TempDir Path dir;
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static long openFiles() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  @Test
  void tenThousandDroppedConnectionsLeaveNothingBehindAndCostNoNotification() throws Exception {
    server =
        new TestServer(
            HeliosConfig.builder().path(dir.resolve("churn.db")).metricsEnabled(true).build(),
            HttpConfig.builder().maxConnections(20_000));
    long filesBefore = openFiles();
    try (SseClient listener = new SseClient(server, "/channels/steady/events")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> server.http.streamCount() == 1);
      AtomicInteger published = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = thread; i < CONNECTIONS; i += THREADS) {
                    dropOne(i);
                    if (i % 100 == 0) {
                      int n = published.getAndIncrement();
                      server.db.pubsub().notify("steady", Integer.toString(n));
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();

      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () ->
                  server.http.connectionCount() == 1
                      && server.http.streamCount() == 1
                      && server.http.webSocketCount() == 0);
      await()
          .atMost(Duration.ofMinutes(1))
          .untilAsserted(
              () ->
                  assertThat(server.get("/metrics").body()).contains("heliosdb_subscriptions 1.0"));
      assertThat(openFiles()).isLessThan(filesBefore + 50);
      List<Integer> received = new ArrayList<>();
      for (int i = 0; i < published.get(); i++) {
        received.add(Integer.parseInt(listener.next().data()));
      }
      assertThat(received)
          .hasSize(CONNECTIONS / 100)
          .containsExactlyInAnyOrderElementsOf(
              java.util.stream.IntStream.range(0, CONNECTIONS / 100).boxed().toList());
      assertThat(server.get("/health").statusCode()).isEqualTo(200);
    }
  }

  /** Connection {@code i} goes in way {@code i % WAYS}; odd ones are reset, even ones closed. */
  private void dropOne(int i) throws IOException {
    try (Socket s = new Socket("127.0.0.1", server.http.port())) {
      s.setSoTimeout(30_000);
      if (i % 2 == 1) {
        s.setSoLinger(true, 0); // close() resets the connection
      }
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      switch (i / 2 % WAYS) {
        case 0 -> {
          // connect and go
        }
        case 1 -> out.write(ascii("GET /channels/a/ev"));
        case 2 ->
            out.write(
                ascii(
                    "POST /channels/a HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nabc"));
        case 3 -> {
          out.write(
              ascii("GET /channels/c" + i % 50 + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
          RawWebSocket.readUntil(in, ": connected");
        }
        case 4 -> {
          upgrade(out, in);
        }
        default -> {
          upgrade(out, in);
          out.write(
              RawWebSocket.maskedText("{\"op\":\"subscribe\",\"channels\":[\"w" + i % 50 + "\"]}"));
          RawWebSocket.readUntil(in, "subscribed");
        }
      }
      out.flush();
    }
  }

  private static void upgrade(OutputStream out, InputStream in) throws IOException {
    out.write(RawWebSocket.UPGRADE);
    out.flush();
    RawWebSocket.readUntil(in, "\r\n\r\n");
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
