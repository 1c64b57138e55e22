package io.heliosdb.nano.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The end-to-end NOTIFY harness of DESIGN.md section 8, for our server and PostgreSQL alike: pgjdbc
 * publishers (autocommit, one {@code NOTIFY bench, '<100 B>'} per statement, simple query protocol)
 * and one listener reading the protocol directly. Each payload starts with the send time ({@link
 * System#nanoTime()}, same JVM), so the listener measures commit-to-client latency.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.heliosdb.nano.bench.WireNotifyHarness \
 *      HOST PORT PUBLISHERS SECONDS RATE      (RATE: total msgs/s, 0 = as fast as possible)
 * </pre>
 */
public final class WireNotifyHarness {
  private static final int PAYLOAD_BYTES = 100;
  private static final int WARMUP_SECONDS = 3;

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int publishers = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    int rate = Integer.parseInt(args[4]);

    AtomicLong received = new AtomicLong();
    long[] latencies = new long[8_000_000];
    AtomicLong recorded = new AtomicLong();
    long[] measureFrom = {Long.MAX_VALUE};
    RawListener listener = new RawListener(host, port, "bench");
    Thread reader =
        new Thread(
            () ->
                listener.run(
                    payload -> {
                      long now = System.nanoTime();
                      long sent = Long.parseLong(payload.substring(0, payload.indexOf(':')));
                      if (sent >= measureFrom[0]) {
                        received.incrementAndGet();
                        long i = recorded.getAndIncrement();
                        if (i < latencies.length) {
                          latencies[(int) i] = now - sent;
                        }
                      }
                    }),
            "listener");
    reader.start();

    String url =
        "jdbc:postgresql://" + host + ":" + port + "/postgres?user=postgres&preferQueryMode=simple";
    long start = System.nanoTime();
    long measureStart = start + WARMUP_SECONDS * 1_000_000_000L;
    long end = measureStart + seconds * 1_000_000_000L;
    measureFrom[0] = measureStart;
    List<Thread> threads = new ArrayList<>();
    AtomicLong sentInWindow = new AtomicLong();
    for (int p = 0; p < publishers; p++) {
      Connection c = DriverManager.getConnection(url);
      long intervalNanos = rate > 0 ? 1_000_000_000L * publishers / rate : 0;
      Thread t =
          new Thread(
              () -> publish(c, start, measureStart, end, intervalNanos, sentInWindow), "publisher");
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    // Let the last notifications arrive, then stop listening.
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (received.get() < sentInWindow.get() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(10_000_000);
    }
    listener.close();
    reader.join();

    int n = (int) Math.min(recorded.get(), latencies.length);
    long[] sorted = Arrays.copyOf(latencies, n);
    Arrays.sort(sorted);
    System.out.printf(
        "publishers %d, rate %s: sent %d, received %d in %d s: %.0f msgs/s; latency µs p50 %.0f"
            + " p90 %.0f p99 %.0f p99.9 %.0f%n",
        publishers,
        rate > 0 ? rate + "/s" : "max",
        sentInWindow.get(),
        received.get(),
        seconds,
        received.get() / (double) seconds,
        percentile(sorted, 0.50),
        percentile(sorted, 0.90),
        percentile(sorted, 0.99),
        percentile(sorted, 0.999));
  }

  private static void publish(
      Connection c, long start, long measureStart, long end, long intervalNanos, AtomicLong sent) {
    String padding = "x".repeat(PAYLOAD_BYTES - 22);
    try (c;
        Statement s = c.createStatement()) {
      long next = start;
      while (true) {
        long now = System.nanoTime();
        if (now >= end) {
          return;
        }
        if (intervalNanos > 0) {
          if (now < next) {
            LockSupport.parkNanos(next - now);
            continue;
          }
          next += intervalNanos;
        }
        long t = System.nanoTime();
        s.execute("NOTIFY bench, '" + t + ":" + padding + "'");
        if (t >= measureStart) {
          sent.incrementAndGet();
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1000.0;
  }

  private WireNotifyHarness() {}
}
