package io.heliosdb.nano.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.metrics.DefaultMetrics;
import io.heliosdb.nano.metrics.MetricsTracker.DropReason;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that stops reading: its bounded queue drops and tells it {@code event: overflow} when it
 * reads again; server memory stays bounded meanwhile; with a stall timeout it is disconnected.
 */
class SlowStreamTest {
  private static final String PAYLOAD = "x".repeat(2000);
  private static final int QUEUE = 10;

  @TempDir Path dir;
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(Duration stallTimeout) throws Exception {
    start(HeliosConfig.builder(), HttpConfig.builder().queueSize(QUEUE).stallTimeout(stallTimeout));
  }

  private void start(HeliosConfig.Builder db, HttpConfig.Builder http) throws Exception {
    server = new TestServer(db.path(dir.resolve("slow.db")).metricsEnabled(true).build(), http);
  }

  private long queueFullDrops() {
    return drops(DropReason.QUEUE_FULL);
  }

  private long drops(DropReason reason) {
    return ((DefaultMetrics) server.db.config().metrics()).dropped(reason);
  }

  /**
   * A stream read from a socket with a 4 KiB receive buffer, so that the server's buffers fill soon
   * once it stops reading; it decodes the chunked body itself.
   */
  private static final class StalledClient implements AutoCloseable {
    private final Socket socket = new Socket();
    private final InputStream in;
    private final StringBuilder body = new StringBuilder();

    StalledClient(int port, String path) throws IOException {
      socket.setReceiveBufferSize(4096);
      socket.connect(new InetSocketAddress("127.0.0.1", port));
      socket.setSoTimeout(60_000);
      in = new BufferedInputStream(socket.getInputStream(), 4096);
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                  .getBytes(StandardCharsets.UTF_8));
      assertThat(line()).isEqualTo("HTTP/1.1 200 OK");
      while (!line().isEmpty()) {
        // headers
      }
    }

    private String line() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new IOException("connection closed");
        }
        b.write(c);
      }
      return b.toString(StandardCharsets.UTF_8).replace("\r", "");
    }

    /** The next event's "name: data", comments skipped. */
    String next() throws IOException {
      while (true) {
        int end;
        while ((end = body.indexOf("\n\n")) < 0) {
          int size = Integer.parseInt(line(), 16);
          byte[] chunk = in.readNBytes(size);
          line();
          body.append(new String(chunk, StandardCharsets.UTF_8));
        }
        String block = body.substring(0, end);
        body.delete(0, end + 2);
        if (block.startsWith(":")) {
          continue;
        }
        String event = null;
        String data = null;
        for (String l : block.split("\n")) {
          if (l.startsWith("event: ")) {
            event = l.substring(7);
          } else if (l.startsWith("data: ")) {
            data = l.substring(6);
          }
        }
        return event + ": " + data;
      }
    }

    boolean closedByServer() {
      try {
        while (true) {
          next();
        }
      } catch (IOException | NumberFormatException e) {
        return true;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void aClientThatStopsReadingGetsAnOverflowEventWithTheCountWhenItReadsAgain() throws Exception {
    start(Duration.ZERO); // never disconnected
    try (StalledClient stalled = new StalledClient(server.http.port(), "/channels/big/events")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> server.http.streamCount() == 1);
      long sent = 0;
      while (queueFullDrops() == 0 && sent < 200_000) {
        server.db.pubsub().notify("big", sent++ + ":" + PAYLOAD);
      }
      assertThat(queueFullDrops()).as("the queue overflowed").isPositive();
      for (int i = 0; i < 1000; i++) {
        server.db.pubsub().notify("big", sent++ + ":" + PAYLOAD);
      }
      // Memory stays bounded: the channel holds about its high-water mark, the queue the rest.
      assertThat(server.http.pendingWriteBytes()).isLessThan(128 * 1024);

      // It reads again: every notification arrives or is counted in an overflow event.
      long delivered = 0;
      long dropped = 0;
      int overflows = 0;
      long previous = -1;
      while (delivered + dropped < sent) {
        String e = stalled.next();
        if (e.startsWith("overflow: ")) {
          overflows++;
          dropped += Long.parseLong(e.replaceAll("\\D", ""));
          continue;
        }
        assertThat(e).startsWith("big: ");
        long n = Long.parseLong(e.substring(5, e.indexOf(':', 5)));
        assertThat(n).as("in order").isGreaterThan(previous);
        previous = n;
        delivered++;
      }
      assertThat(overflows).isPositive();
      assertThat(dropped).isEqualTo(queueFullDrops());
      assertThat(delivered + dropped)
          .as("every notification delivered or reported")
          .isEqualTo(sent);
    }
  }

  @Test
  void aClientThatReadsNothingForTheStallTimeoutIsDisconnectedAndOthersGoOn() throws Exception {
    start(Duration.ofMillis(500));
    try (StalledClient stalled = new StalledClient(server.http.port(), "/channels/big/events");
        SseClient reading = new SseClient(server, "/channels/big/events")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> server.http.streamCount() == 2);
      for (long sent = 0; server.http.streamCount() == 2 && sent < 2_000_000; sent++) {
        server.db.pubsub().notify("big", sent + ":" + PAYLOAD);
        if (sent % 1000 == 0) {
          Thread.onSpinWait();
        }
      }
      assertThat(server.http.streamCount()).isEqualTo(1);
      assertThat(stalled.closedByServer()).isTrue();
      // The other stream goes on: once it has caught up, it receives what comes next.
      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () -> {
                server.db.pubsub().notify("big", "after");
                for (SseClient.Event e = reading.poll(100); e != null; e = reading.poll(100)) {
                  if (e.data().equals("after")) {
                    return true;
                  }
                }
                return false;
              });
      assertThat(reading.ended()).isFalse();
    }
  }

  /**
   * A queue full in bytes (notification_queue_bytes) long before it holds queue_size notifications
   * counts as full for the stall timeout too.
   */
  @Test
  void aClientWhoseQueueIsFullInBytesAndReadsNothingIsDisconnected() throws Exception {
    start(
        HeliosConfig.builder().notificationQueueBytes(64 * 1024),
        HttpConfig.builder().queueSize(1024).stallTimeout(Duration.ofMillis(500)));
    try (StalledClient stalled = new StalledClient(server.http.port(), "/channels/big/events")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> server.http.streamCount() == 1);
      for (long sent = 0; server.http.streamCount() == 1 && sent < 2_000_000; sent++) {
        server.db.pubsub().notify("big", sent + ":" + PAYLOAD);
      }
      assertThat(server.http.streamCount()).isZero();
      assertThat(stalled.closedByServer()).isTrue();
      assertThat(drops(DropReason.QUEUE_BYTES)).isPositive();
      assertThat(queueFullDrops()).as("never 1024 in the queue").isZero();
    }
  }
}
