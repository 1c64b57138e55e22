package io.heliosdb.nano.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * The memory of {@code heliosdb serve} per connected HTTP client: the server's memory ({@link
 * ServerMemory}: Rss, Pss, live heap from {@code jcmd GC.class_histogram}) idle, then with N1, N2,
 * ... idle clients following channel {@code bench}, each an event stream ({@code sse}) or a
 * WebSocket ({@code ws}) read on one selector thread per step ({@link ListenerPool}); the
 * difference per client from idle, and from the step before. SERVER_PID: the server's JVM. Run
 * alone, on a fresh server (the heap grows and does not shrink), with the gateway's {@code
 * max_connections} above the largest count and {@code ulimit -n} above it too (bench/http-rounds.sh
 * does both).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.heliosdb.nano.bench.HttpMemoryProbe \
 *      sse|ws HOST HTTP_PORT SERVER_PID N1 [N2 ...]     (ascending, e.g. 1000 5000)
 * </pre>
 */
public final class HttpMemoryProbe {
  public static void main(String[] args) throws Exception {
    HttpStream kind = HttpStream.parse(args[0]);
    String host = args[1];
    int port = Integer.parseInt(args[2]);
    long pid = Long.parseLong(args[3]);
    OverflowLog overflows = new OverflowLog();

    List<Integer> counts = new ArrayList<>();
    List<ServerMemory> stages = new ArrayList<>();
    counts.add(0);
    stages.add(settle(pid, host, port));
    List<ListenerPool> pools = new ArrayList<>();
    String problem = null;
    for (int a = 4; a < args.length; a++) {
      int count = Integer.parseInt(args[a]);
      int more = count - counts.get(counts.size() - 1);
      ListenerPool pool =
          new ListenerPool(
              channels -> kind.session(host, channels, overflows),
              host,
              port,
              (c, b, o, l, n) -> {});
      pools.add(pool);
      pool.open(more, i -> List.of("bench"));
      if (!pool.awaitReady(more, 30_000)) {
        problem =
            String.format(
                "only %d of %d more clients ready (%d failed, first: %s)",
                pool.ready(), more, pool.failed(), pool.firstFailure());
        break;
      }
      counts.add(count);
      stages.add(settle(pid, host, port));
    }
    // -Dhold=SECONDS keeps the clients connected for a look at the server (jcmd
    // GC.class_histogram).
    LockSupport.parkNanos(Long.getLong("hold", 0) * 1_000_000_000L);
    int failed = 0;
    String failure = null;
    for (ListenerPool pool : pools) {
      failed += pool.failed();
      failure = failure == null ? pool.firstFailure() : failure;
      pool.close();
    }

    System.out.printf(
        "http %s: idle clients following one channel (connections dropped %d%s)%n",
        kind.name().toLowerCase(Locale.ROOT), failed, failure == null ? "" : ": " + failure);
    if (problem != null) {
      System.out.println("  stopped: " + problem);
    }
    ServerMemory idle = stages.get(0);
    for (int s = 0; s < stages.size(); s++) {
      ServerMemory m = stages.get(s);
      System.out.printf(
          "  %6d clients  Rss %8.1f MB  Pss %8.1f MB  live heap %7.1f MB%n",
          counts.get(s), m.rss() / 1e6, m.pss() / 1e6, m.own() / 1e6);
      if (s > 0) {
        ServerMemory before = stages.get(s - 1);
        double fromIdle = counts.get(s);
        double fromBefore = counts.get(s) - counts.get(s - 1);
        System.out.printf(
            "          per client from idle: Rss %.0f B, Pss %.0f B, live heap %.0f B;"
                + " from %d: Rss %.0f B, Pss %.0f B, live heap %.0f B%n",
            (m.rss() - idle.rss()) / fromIdle,
            (m.pss() - idle.pss()) / fromIdle,
            (m.own() - idle.own()) / fromIdle,
            counts.get(s - 1),
            (m.rss() - before.rss()) / fromBefore,
            (m.pss() - before.pss()) / fromBefore,
            (m.own() - before.own()) / fromBefore);
      }
    }
  }

  private static ServerMemory settle(long pid, String host, int port) throws Exception {
    LockSupport.parkNanos(2_000_000_000L);
    return ServerMemory.measure(WireTarget.HELIOSDB, pid, host, port);
  }

  private HttpMemoryProbe() {}
}
