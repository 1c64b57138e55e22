package io.heliosdb.nano.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.wire.limits.MemoryBudget;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Issue 11: listeners that LISTEN and then never read must not take the server. {@code heliosdb
 * serve} runs in a child JVM with the edge device's budget (a 42 MiB heap, and ended by an
 * OutOfMemoryError) while a publisher sends 160 MB of the largest notifications: each stalled
 * listener's queue holds its share of half the heap (1 MiB), the rest is dropped and counted, and a
 * listener that keeps up (the publisher stays within {@link #WINDOW} notifications of it) receives
 * every one. Before the byte bound, one stalled listener's queue of 65,536 notifications of 8 KB
 * took the whole heap.
 */
class StalledListenersMemoryTest {
  private static final int STALLED = 3;
  private static final int SENT = 20_000;
  private static final int WINDOW = 16;
  private static final String PAYLOAD = "z".repeat(7990);
  private static final String HEAP = "jvm_memory_used_bytes{area=\"heap\"}";
  private static final Pattern DROPPED = Pattern.compile("(\\d+) notifications were dropped");

  @TempDir Path dir;

  @Test
  void stalledListenersHoldTheirShareOfTheHeapAndTheServerDeliversOn() throws Exception {
    Path config = dir.resolve("edge.toml");
    Files.writeString(
        config,
        "[database]\npath = \"edge.db\"\nmemory_limit_mb = 64\n\n"
            + "[server]\nlistener_stall_timeout = 0\n\n" // stalled listeners stay connected
            + "[monitoring]\nmetrics_enabled = true\n");
    List<String> options = new ArrayList<>(List.of("-XX:+ExitOnOutOfMemoryError"));
    options.addAll(MemoryBudget.of(null, 64).jvmOptions());
    ExecutorService reader = Executors.newSingleThreadExecutor();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    try (ServeProcess child =
            ServeProcess.start(
                options, "--config", config.toString(), "--port", "0", "--http-port", "0");
        Connection listener = connect(child.port);
        Connection publisher = connect(child.port)) {
      List<RawListener> stalled = new ArrayList<>();
      for (int i = 0; i < STALLED; i++) {
        stalled.add(new RawListener(child.port));
      }
      try (Statement s = listener.createStatement()) {
        s.execute("LISTEN big");
      }
      Semaphore window = new Semaphore(WINDOW);
      Future<Long> received = reader.submit(() -> receive(listener, window));
      AtomicLong heapPeak = new AtomicLong();
      sampler.scheduleAtFixedRate(
          () -> {
            try {
              heapPeak.accumulateAndGet((long) child.metric(HEAP), Math::max);
            } catch (IOException | InterruptedException e) {
              // the next sample
            }
          },
          0,
          20,
          TimeUnit.MILLISECONDS);

      try (PreparedStatement notify = publisher.prepareStatement("SELECT pg_notify('big', ?)")) {
        for (int i = 0; i < SENT; i++) {
          if (!window.tryAcquire(30, TimeUnit.SECONDS)) {
            received.get(1, TimeUnit.SECONDS); // its failure, if it failed
            throw new AssertionError("the listener read nothing for 30 s, at " + i);
          }
          notify.setString(1, i + ":" + PAYLOAD);
          notify.execute();
        }
      }
      assertThat(received.get(2, TimeUnit.MINUTES)).as("the listener that reads").isEqualTo(SENT);
      sampler.shutdownNow();
      assertThat(child.process.isAlive()).as(child.output()).isTrue();
      System.out.printf(
          "StalledListenersMemoryTest: heap used at most %d KiB of %d KiB%n",
          heapPeak.get() >> 10, (long) child.metric("jvm_memory_max_bytes{area=\"heap\"}") >> 10);

      // A stalled listener reads again: every notification arrives or is counted.
      long[] got = stalled.get(0).readAll();
      assertThat(got[1]).as("dropped").isPositive();
      assertThat(got[0] + got[1]).isEqualTo(SENT);
      assertThat(child.metric("heliosdb_notifications_dropped_total{reason=\"queue_bytes\"}"))
          .isPositive();
      assertThat(child.metric("heliosdb_notifications_dropped_total{reason=\"queue_full\"}"))
          .isZero();
      for (RawListener l : stalled) {
        l.close();
      }
      assertThat(child.output()).doesNotContain("OutOfMemoryError");
    } finally {
      sampler.shutdownNow();
      reader.shutdownNow();
    }
  }

  private static Connection connect(int port) throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/x", "me", "");
  }

  /**
   * Reads notifications until {@link #SENT} arrived, in order; each one read lets the publisher
   * send one more.
   */
  private static long receive(Connection c, Semaphore window) throws Exception {
    PGConnection pg = c.unwrap(PGConnection.class);
    long n = 0;
    while (n < SENT) {
      PGNotification[] got = pg.getNotifications(30_000);
      assertThat(got).as("notifications within 30 s").isNotEmpty();
      for (PGNotification p : got) {
        assertThat(p.getParameter()).startsWith(n + ":");
        n++;
        window.release();
      }
    }
    return n;
  }

  /**
   * A listener on a raw socket with a 4 KiB receive buffer, which LISTENs and then reads nothing
   * until {@link #readAll()}.
   */
  private static final class RawListener implements AutoCloseable {
    private final Socket socket = new Socket();
    private final DataInputStream in;

    RawListener(int port) throws IOException {
      socket.setReceiveBufferSize(4096);
      socket.connect(new InetSocketAddress("127.0.0.1", port));
      socket.setSoTimeout(30_000); // a failure, not a hang, if something never comes
      in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
      socket.getOutputStream().write(HostileMessages.startup());
      untilReady();
      byte[] sql = "LISTEN big\0".getBytes(StandardCharsets.UTF_8);
      socket.getOutputStream().write(HostileMessages.typed('Q', sql));
      untilReady();
    }

    private void untilReady() throws IOException {
      int type;
      do {
        type = in.readUnsignedByte();
        in.readFully(new byte[in.readInt() - 4]);
      } while (type != 'Z');
    }

    /** Reads until every notification sent is delivered or counted: {delivered, dropped}. */
    long[] readAll() throws IOException {
      long delivered = 0;
      long dropped = 0;
      while (delivered + dropped < SENT) {
        int type = in.readUnsignedByte();
        byte[] body = new byte[in.readInt() - 4];
        in.readFully(body);
        if (type == 'A') {
          delivered++;
        } else if (type == 'N') {
          Matcher m = DROPPED.matcher(new String(body, StandardCharsets.UTF_8));
          assertThat(m.find()).isTrue();
          dropped += Long.parseLong(m.group(1));
        }
      }
      return new long[] {delivered, dropped};
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
