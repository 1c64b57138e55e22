package io.heliosdb.nano.bench;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * DESIGN.md section 8, "10,000 concurrent listening connections, broadcast p99 < 100 ms":
 * CONNECTIONS connections LISTEN (SUBSCRIBE) to one channel, all on one selector thread ({@link
 * ListenerPool}); then BROADCASTS notifications, one at a time, each waiting until every connection
 * received it (or 10 s passed). Reports the time until the last connection had it (p50, p99, max
 * over the broadcasts, after 3 unmeasured ones) and the latency of all deliveries.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.heliosdb.nano.bench.WireBroadcastProbe \
 *      heliosdb|postgres|redis HOST PORT CONNECTIONS BROADCASTS
 * </pre>
 */
public final class WireBroadcastProbe {
  private static final int WARMUP = 3;
  private static final long TIMEOUT_NANOS = 10_000_000_000L;

  public static void main(String[] args) throws Exception {
    WireTarget target = WireTarget.parse(args[0]);
    String host = args[1];
    int port = Integer.parseInt(args[2]);
    int connections = Integer.parseInt(args[3]);
    int broadcasts = Integer.parseInt(args[4]);

    BroadcastLog log = new BroadcastLog(WARMUP + broadcasts, connections);
    ListenerPool pool = new ListenerPool(target, host, port, log);
    long openStart = System.nanoTime();
    pool.open(connections, i -> List.of("bench"));
    boolean ready = pool.awaitReady(connections, 30_000);
    System.out.printf(
        "%s: %d of %d connections listening after %.1f s (%d failed%s)%n",
        target.name().toLowerCase(java.util.Locale.ROOT),
        pool.ready(),
        connections,
        (System.nanoTime() - openStart) / 1e9,
        pool.failed(),
        pool.firstFailure() == null ? "" : ", first: " + pool.firstFailure());
    if (!ready) {
      pool.close();
      return;
    }
    LockSupport.parkNanos(1_000_000_000L);

    long[] completion = new long[broadcasts];
    long missing = 0;
    long[] all = new long[0];
    try (WirePublisher publisher = target.publisher(host, port)) {
      for (int b = 0; b < WARMUP + broadcasts; b++) {
        long sent = System.nanoTime();
        publisher.send("bench", Payloads.timed(sent, b, 100));
        while (log.received(b) < connections && System.nanoTime() - sent < TIMEOUT_NANOS) {
          LockSupport.parkNanos(100_000);
        }
        if (b >= WARMUP) {
          int got = log.received(b);
          missing += connections - got;
          completion[b - WARMUP] = got < connections ? TIMEOUT_NANOS : log.lastArrival(b) - sent;
          long[] l = log.latencies(b);
          int at = all.length;
          all = Arrays.copyOf(all, at + l.length);
          System.arraycopy(l, 0, all, at, l.length);
        }
        LockSupport.parkNanos(200_000_000L);
      }
    }
    int dropped = pool.failed();
    pool.close();
    Arrays.sort(completion);
    Arrays.sort(all);
    System.out.printf(
        "  %d broadcasts to %d connections: all received after ms p50 %.1f p99 %.1f max %.1f;"
            + " deliveries ms p50 %.1f p99 %.1f; missing %d, connections dropped %d%n",
        broadcasts,
        connections,
        DeliveryLog.percentileMicros(completion, 0.50) / 1000,
        DeliveryLog.percentileMicros(completion, 0.99) / 1000,
        DeliveryLog.percentileMicros(completion, 1.0) / 1000,
        DeliveryLog.percentileMicros(all, 0.50) / 1000,
        DeliveryLog.percentileMicros(all, 0.99) / 1000,
        missing,
        dropped);
  }

  private WireBroadcastProbe() {}
}
