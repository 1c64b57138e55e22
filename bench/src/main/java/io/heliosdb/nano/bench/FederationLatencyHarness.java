package io.heliosdb.nano.bench;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.Notification;
import io.heliosdb.nano.Subscription;
import io.heliosdb.nano.config.FederationSettings;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.config.Synchronous;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Federation between two nodes through a {@code nats-server} (issue 15): two HeliosDB instances in
 * this JVM, {@code node_a} and {@code node_b}, each on its own database file, share the channel
 * {@code bench} through NATS. Node A commits notifications ({@code pg_notify} through a connection,
 * autocommit, or {@code BATCH} to a transaction); node B's subscription receives them from NATS.
 * One JVM, so both read the same monotonic clock: a payload carries {@link System#nanoTime()} taken
 * just before its statement, and the latency is from there to B's poll, the commit on A included.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.heliosdb.nano.bench.FederationLatencyHarness \
 *      NATS_URL SECONDS RATE [BATCH]
 *      (RATE: notifications/s committed on A, 0 = as fast as possible; BATCH: per transaction,
 *       default 1)
 * </pre>
 *
 * After 3 s of warm-up, SECONDS are measured; then the harness waits for B to drain (lost = sent -
 * received once nothing has arrived for 5 s). Synchronous NORMAL, as CrossProcessHarness: the
 * bridge's cost, not the fsync's (SyncModeHarness measures that).
 */
public final class FederationLatencyHarness {
  private static final String CHANNEL = "bench";
  private static final int PAYLOAD_BYTES = 100;
  private static final long WARMUP_NANOS = 3_000_000_000L;
  private static final Duration QUIET = Duration.ofSeconds(5);

  private FederationLatencyHarness() {}

  public static void main(String[] args) throws Exception {
    String nats = args[0];
    int seconds = Integer.parseInt(args[1]);
    int rate = Integer.parseInt(args[2]);
    int batch = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    Path dir = TempDirs.create();
    try (HeliosDB a = HeliosDB.open(node(dir, "node_a", nats));
        HeliosDB b = HeliosDB.open(node(dir, "node_b", nats));
        Subscription sub = b.pubsub().subscribe(CHANNEL)) {
      awaitLink(a, sub);
      run(a, sub, seconds, rate, batch);
    } finally {
      TempDirs.delete(dir);
    }
  }

  private static HeliosConfig node(Path dir, String name, String nats) {
    return HeliosConfig.builder()
        .path(dir.resolve(name + ".db"))
        .synchronous(Synchronous.NORMAL)
        .deviceId(name)
        .federation(FederationSettings.builder().natsUrl(nats).channels(CHANNEL).build())
        .build();
  }

  /** Until a notification of A reaches B: both connected, B's interest known to the server. */
  private static void awaitLink(HeliosDB a, Subscription sub) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      a.pubsub().notify(CHANNEL, "link");
      Notification n = sub.poll(Duration.ofMillis(200));
      if (n != null && "link".equals(n.payload())) {
        while (sub.poll(Duration.ofMillis(200)) != null) {
          // the other probes still in flight
        }
        return;
      }
    }
    throw new IllegalStateException("no notification from node_a reached node_b in 30 s");
  }

  private static void run(HeliosDB a, Subscription sub, int seconds, int rate, int batch)
      throws Exception {
    long start = System.nanoTime();
    long measureStart = start + WARMUP_NANOS;
    long end = measureStart + seconds * 1_000_000_000L;
    AtomicLong sent = new AtomicLong();
    AtomicLong sentInWindow = new AtomicLong();
    long interval = rate > 0 ? 1_000_000_000L * batch / rate : 0;
    Thread sender =
        new Thread(
            () ->
                send(
                    a,
                    new SendSchedule(start, end, interval),
                    batch,
                    measureStart,
                    sent,
                    sentInWindow),
            "node_a-sender");
    sender.start();

    long[] latencies = new long[1 << 16];
    int measured = 0;
    long received = 0;
    long receivedInWindow = 0;
    long overflows = 0;
    long senderDone = 0;
    while (true) {
      Notification n = sub.poll(Duration.ofMillis(100));
      long now = System.nanoTime();
      if (n == null) {
        if (!sender.isAlive()) {
          senderDone = senderDone == 0 ? now : senderDone;
          if (received >= sent.get() || now - senderDone > QUIET.toNanos()) {
            break;
          }
        }
        continue;
      }
      senderDone = 0;
      if (n.isOverflow()) {
        overflows++;
        continue;
      }
      received++;
      String p = n.payload();
      long sentAt = Long.parseLong(p, 0, p.indexOf(':'), 10);
      if (sentAt >= measureStart && sentAt < end) {
        receivedInWindow++;
        if (measured == latencies.length) {
          latencies = Arrays.copyOf(latencies, measured * 2);
        }
        latencies[measured++] = now - sentAt;
      }
    }
    sender.join();
    long[] sorted = Arrays.copyOf(latencies, measured);
    Arrays.sort(sorted);
    System.out.printf(
        "federation via NATS, node_a -> node_b: rate %s, batch %d, %d s: committed on node_a %d"
            + " (%.0f/s), delivered on node_b %d (%.0f/s); lost %d of %d, overflow markers %d%n",
        rate > 0 ? rate + "/s" : "max",
        batch,
        seconds,
        sentInWindow.get(),
        sentInWindow.get() / (double) seconds,
        receivedInWindow,
        receivedInWindow / (double) seconds,
        sent.get() - received,
        sent.get(),
        overflows);
    System.out.printf(
        "  latency µs, commit on node_a to delivery on node_b (%d samples): %s%n",
        sorted.length, DeliveryLog.percentilesMicros(sorted));
  }

  private static void send(
      HeliosDB a,
      SendSchedule schedule,
      int batch,
      long measureStart,
      AtomicLong sent,
      AtomicLong sentInWindow) {
    try (HeliosConnection c = a.connection()) {
      c.setAutoCommit(batch == 1);
      long sequence = 0;
      while (schedule.awaitNext()) {
        long first = System.nanoTime();
        for (int i = 0; i < batch; i++) {
          c.notify(CHANNEL, Payloads.timed(System.nanoTime(), sequence++, PAYLOAD_BYTES));
        }
        if (batch > 1) {
          c.commit();
        }
        sent.addAndGet(batch);
        if (first >= measureStart) {
          sentInWindow.addAndGet(batch);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
