package io.heliosdb.nano.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The end-to-end notification harness of DESIGN.md section 8, one for our server, PostgreSQL and
 * Redis: publishers through the usual client (pgjdbc, autocommit, one {@code NOTIFY bench, '<100
 * B>'} per statement; Jedis, one {@code PUBLISH bench <100 B>} per command) and listening
 * connections reading the protocol directly on one selector thread ({@link ListenerPool}). Each
 * payload starts with its send time ({@link System#nanoTime()}, same JVM) and a sequence number.
 *
 * <p>Publish throughput (LISTENERS 1, RATE 0), latency at a fixed total rate, and fan-out
 * (LISTENERS 100, 500, 1000). After the measured window the harness waits for the listeners to
 * drain; lost = published x listeners - delivered.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.heliosdb.nano.bench.WireNotifyHarness \
 *      heliosdb|postgres|redis HOST PORT PUBLISHERS SECONDS RATE [LISTENERS]
 *      (RATE: total msgs/s, 0 = as fast as possible; LISTENERS default 1)
 * </pre>
 */
public final class WireNotifyHarness {
  private static final int PAYLOAD_BYTES = 100;
  private static final int WARMUP_SECONDS = 3;

  public static void main(String[] args) throws Exception {
    WireTarget target = WireTarget.parse(args[0]);
    String host = args[1];
    int port = Integer.parseInt(args[2]);
    int publishers = Integer.parseInt(args[3]);
    int seconds = Integer.parseInt(args[4]);
    int rate = Integer.parseInt(args[5]);
    int listeners = args.length > 6 ? Integer.parseInt(args[6]) : 1;

    DeliveryLog log = new DeliveryLog(listeners);
    ListenerPool pool = new ListenerPool(target, host, port, log);
    pool.open(listeners, i -> List.of("bench"));
    if (!pool.awaitReady(listeners, 30_000)) {
      System.out.printf(
          "%s: only %d of %d listeners ready (%d failed, first: %s)%n",
          target, pool.ready(), listeners, pool.failed(), pool.firstFailure());
      pool.close();
      return;
    }

    long start = System.nanoTime();
    long measureStart = start + WARMUP_SECONDS * 1_000_000_000L;
    long end = measureStart + seconds * 1_000_000_000L;
    log.window(measureStart, end);
    List<Thread> threads = new ArrayList<>();
    AtomicLong sent = new AtomicLong();
    AtomicLong sentInWindow = new AtomicLong();
    long intervalNanos = rate > 0 ? 1_000_000_000L * publishers / rate : 0;
    for (int p = 0; p < publishers; p++) {
      WirePublisher publisher = target.publisher(host, port);
      Thread t =
          new Thread(
              () -> publish(publisher, start, measureStart, end, intervalNanos, sent, sentInWindow),
              "publisher");
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    long publishedEnd = System.nanoTime();
    long expected = sent.get() * listeners;
    log.awaitDrained(expected);
    double drainSeconds = (System.nanoTime() - publishedEnd) / 1e9;
    int failed = pool.failed();
    String failure = pool.firstFailure();
    pool.close();

    long[] sorted = log.sortedLatencies();
    System.out.printf(
        "%s: publishers %d, listeners %d, rate %s, %d s: published %d (%.0f msgs/s), delivered"
            + " in window %.0f/s; lost %d of %d (fewest to one listener %d of %d), drain %.1f s,"
            + " connections dropped %d%s%n",
        target.name().toLowerCase(java.util.Locale.ROOT),
        publishers,
        listeners,
        rate > 0 ? rate + "/s" : "max",
        seconds,
        sentInWindow.get(),
        sentInWindow.get() / (double) seconds,
        log.inWindow() / (double) seconds,
        expected - log.total(),
        expected,
        log.fewestPerConnection(),
        sent.get(),
        drainSeconds,
        failed,
        failure == null ? "" : " (" + failure + ")");
    System.out.printf(
        "  latency µs (sent in window, %d samples): %s%n",
        sorted.length, DeliveryLog.percentilesMicros(sorted));
  }

  private static void publish(
      WirePublisher publisher,
      long start,
      long measureStart,
      long end,
      long intervalNanos,
      AtomicLong sent,
      AtomicLong sentInWindow) {
    try (publisher) {
      SendSchedule schedule = new SendSchedule(start, end, intervalNanos);
      long sequence = 0;
      while (schedule.awaitNext()) {
        long t = System.nanoTime();
        publisher.send("bench", Payloads.timed(t, sequence++, PAYLOAD_BYTES));
        sent.incrementAndGet();
        if (t >= measureStart) {
          sentInWindow.incrementAndGet();
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private WireNotifyHarness() {}
}
