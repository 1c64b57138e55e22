package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.wire.limits.SessionLimits;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener that stops reading while another session publishes megabytes of notifications: the
 * publisher is not held back, and once the listener reads again, every notification is either
 * delivered or counted in a NoticeResponse. Nothing is lost silently, and the server buffers no
 * more than the session's bounded queue.
 */
class SlowListenerTest {
  private static final int TOTAL = 20_000;
  private static final Pattern DROPPED = Pattern.compile("(\\d+) notifications were dropped");

  @TempDir Path dir;

  @Test
  void aStalledListenerLosesNothingSilentlyAndHoldsNoOneBack() throws Exception {
    HeliosDB db =
        HeliosDB.open(
            HeliosConfig.builder().path(dir.resolve("slow.db")).notificationQueueSize(100).build());
    // listener_stall_timeout off: however slow the machine, this listener is not closed.
    WireServer.Options options =
        WireServer.Options.loopback(0)
            .with(SessionLimits.DEFAULTS.withListenerStallTimeout(java.time.Duration.ZERO));
    try (WireServer server = WireServer.start(db, options);
        Socket listener = new Socket("127.0.0.1", server.port())) {
      DataInputStream in =
          new DataInputStream(new BufferedInputStream(listener.getInputStream(), 1 << 16));
      DataOutputStream out = new DataOutputStream(listener.getOutputStream());
      startup(in, out);
      query(in, out, "LISTEN big");
      long delivered = 0;
      long dropped = 0;

      // The listener reads nothing now. 20,000 notifications of 2 KB: far beyond socket buffers.
      String payload = "x".repeat(2000);
      try (Connection publisher =
              DriverManager.getConnection(
                  "jdbc:postgresql://127.0.0.1:" + server.port() + "/slow", "test", "");
          PreparedStatement notify = publisher.prepareStatement("SELECT pg_notify('big', ?)")) {
        for (int i = 0; i < TOTAL; i++) {
          notify.setString(1, i + ":" + payload);
          notify.execute();
        }

        // Now it reads: every notification arrives or is counted as dropped.
        listener.setSoTimeout(30_000); // a failure, not a hang, if something never comes
        while (delivered + dropped < TOTAL) {
          String[] m = read(in);
          if (m[0].equals("N")) {
            Matcher d = DROPPED.matcher(m[1]);
            assertThat(d.find()).as("notice: %s", m[1]).isTrue();
            dropped += Long.parseLong(d.group(1));
          } else if (m[0].equals("A")) {
            delivered++;
          }
        }
        // Caught up: the session delivers again.
        notify.setString(1, "after");
        notify.execute();
        String[] next;
        do {
          next = read(in);
        } while (!next[0].equals("A"));
        assertThat(next[1]).contains("after");
      }
      assertThat(dropped).as("the queue of 100 overflowed").isPositive();
      assertThat(delivered + dropped).isEqualTo(TOTAL);
    } finally {
      db.close();
    }
  }

  /**
   * Large notifications to a listener that reads nothing fill its queue in bytes (4 MiB, some 290
   * of 14 KB as counted), not in notifications; when it reads again it gets them a chunk at a time:
   * the server never holds more than about the channel's high-water mark (64 KiB) and a chunk for
   * it, where taking the whole queue at once put megabytes into one buffer.
   */
  @Test
  void aListenerThatReadsAgainGetsItsQueueInChunksAndTheServerBuffersStayBounded()
      throws Exception {
    int total = 2_000; // 14 MB
    HeliosDB db = HeliosDB.open(HeliosConfig.builder().path(dir.resolve("chunks.db")).build());
    WireServer.Options options =
        WireServer.Options.loopback(0)
            .with(SessionLimits.DEFAULTS.withListenerStallTimeout(java.time.Duration.ZERO));
    AtomicLong mostBuffered = new AtomicLong();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    try (WireServer server = WireServer.start(db, options);
        Socket listener = new Socket()) {
      // A small window: what the server writes stays in its buffers until this client reads it.
      listener.setReceiveBufferSize(4096);
      listener.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
      sampler.scheduleAtFixedRate(
          () -> mostBuffered.accumulateAndGet(server.bufferedBytes().max(), Math::max),
          0,
          1,
          TimeUnit.MILLISECONDS);
      DataInputStream in =
          new DataInputStream(new BufferedInputStream(listener.getInputStream(), 1 << 16));
      DataOutputStream out = new DataOutputStream(listener.getOutputStream());
      startup(in, out);
      query(in, out, "LISTEN big");

      String payload = "y".repeat(7000);
      try (Connection publisher =
              DriverManager.getConnection(
                  "jdbc:postgresql://127.0.0.1:" + server.port() + "/slow", "test", "");
          PreparedStatement notify = publisher.prepareStatement("SELECT pg_notify('big', ?)")) {
        for (int i = 0; i < total; i++) {
          notify.setString(1, i + ":" + payload);
          notify.execute();
        }
      }

      listener.setSoTimeout(30_000);
      long delivered = 0;
      long dropped = 0;
      while (delivered + dropped < total) {
        String[] m = read(in);
        if (m[0].equals("N")) {
          Matcher d = DROPPED.matcher(m[1]);
          assertThat(d.find()).as("notice: %s", m[1]).isTrue();
          dropped += Long.parseLong(d.group(1));
        } else if (m[0].equals("A")) {
          delivered++;
        }
      }
      assertThat(dropped).as("the queue's 4 MiB overflowed").isPositive();
      assertThat(delivered + dropped).isEqualTo(total);
      assertThat(mostBuffered.get())
          .as("the most one session held in the server's buffers")
          .isLessThanOrEqualTo(128 * 1024);
    } finally {
      sampler.shutdownNow();
      db.close();
    }
  }

  /** One message: its type letter and its body as text. */
  private static String[] read(DataInputStream in) throws Exception {
    char type = (char) in.readUnsignedByte();
    byte[] body = new byte[in.readInt() - 4];
    in.readFully(body);
    return new String[] {String.valueOf(type), new String(body, StandardCharsets.UTF_8)};
  }

  private static void startup(DataInputStream in, DataOutputStream out) throws Exception {
    byte[] params = "user\0test\0database\0slow\0\0".getBytes(StandardCharsets.UTF_8);
    out.writeInt(8 + params.length);
    out.writeInt(196608);
    out.write(params);
    out.flush();
    readUntilReady(in);
  }

  private static void query(DataInputStream in, DataOutputStream out, String sql) throws Exception {
    byte[] q = (sql + "\0").getBytes(StandardCharsets.UTF_8);
    out.writeByte('Q');
    out.writeInt(4 + q.length);
    out.write(q);
    out.flush();
    readUntilReady(in);
  }

  private static void readUntilReady(DataInputStream in) throws Exception {
    char type;
    do {
      type = (char) in.readUnsignedByte();
      in.readFully(new byte[in.readInt() - 4]);
    } while (type != 'Z');
  }
}
