package io.heliosdb.nano.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * DESIGN.md section 8, "memory per LISTENed channel in a wire session": the server's memory ({@link
 * ServerMemory}) idle, after CONNECTIONS connections each LISTEN (SUBSCRIBE) to one channel, and
 * after each of them LISTENs to CHANNELS more; the differences per connection and per LISTENed
 * channel. Channel names are {@code shared} (every connection listens to m0..m{CHANNELS-1}) or
 * {@code distinct} (connection i to i_m0..), so the server holds CHANNELS or CONNECTIONS x CHANNELS
 * names. SERVER_PID: our server's JVM, the postmaster, redis-server. Run alone, on a fresh server.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.heliosdb.nano.bench.WireMemoryProbe \
 *      heliosdb|postgres|redis HOST PORT SERVER_PID CONNECTIONS CHANNELS [shared|distinct]
 * </pre>
 */
public final class WireMemoryProbe {
  public static void main(String[] args) throws Exception {
    WireTarget target = WireTarget.parse(args[0]);
    String host = args[1];
    int port = Integer.parseInt(args[2]);
    long pid = Long.parseLong(args[3]);
    int connections = Integer.parseInt(args[4]);
    int channels = Integer.parseInt(args[5]);
    boolean distinct = args.length > 6 && args[6].equals("distinct");

    ServerMemory idle = settle(target, pid, host, port);
    ListenerPool pool = new ListenerPool(target, host, port, (c, b, o, l, n) -> {});
    pool.open(connections, i -> List.of("bench"));
    if (!pool.awaitReady(connections, 30_000)) {
      System.out.printf(
          "only %d of %d connections ready (%s)%n", pool.ready(), connections, pool.firstFailure());
      pool.close();
      return;
    }
    ServerMemory listening = settle(target, pid, host, port);
    pool.listenMore(
        i -> {
          List<String> names = new ArrayList<>(channels);
          for (int j = 0; j < channels; j++) {
            names.add(distinct ? "c" + i + "_m" + j : "m" + j);
          }
          return names;
        });
    if (!pool.awaitReady(connections, 30_000)) {
      System.out.printf(
          "only %d of %d connections listened to all (%s)%n",
          pool.ready(), connections, pool.firstFailure());
      pool.close();
      return;
    }
    ServerMemory more = settle(target, pid, host, port);
    // -Dhold=SECONDS keeps the connections open for a look at the server (jcmd GC.class_histogram).
    LockSupport.parkNanos(Long.getLong("hold", 0) * 1_000_000_000L);
    int failed = pool.failed();
    String failure = pool.firstFailure();
    pool.close();

    String own = target == WireTarget.HELIOSDB ? "live heap" : "used_memory";
    System.out.printf(
        "%s: %d connections, +%d %s channels each (connections dropped %d%s)%n",
        target.name().toLowerCase(Locale.ROOT),
        connections,
        channels,
        distinct ? "distinct" : "shared",
        failed,
        failure == null ? "" : ": " + failure);
    print("idle", idle, target);
    print("listening to 1", listening, target);
    print("listening to 1+" + channels, more, target);
    double perConnection = connections;
    double perChannel = (double) connections * channels;
    System.out.printf(
        "  per connection: Rss %.0f B, Pss %.0f B%s%n",
        (listening.rss() - idle.rss()) / perConnection,
        (listening.pss() - idle.pss()) / perConnection,
        idle.own() < 0
            ? ""
            : String.format(", %s %.0f B", own, (listening.own() - idle.own()) / perConnection));
    System.out.printf(
        "  per LISTENed channel: Rss %.1f B, Pss %.1f B%s%n",
        (more.rss() - listening.rss()) / perChannel,
        (more.pss() - listening.pss()) / perChannel,
        idle.own() < 0
            ? ""
            : String.format(", %s %.1f B", own, (more.own() - listening.own()) / perChannel));
  }

  private static ServerMemory settle(WireTarget target, long pid, String host, int port)
      throws Exception {
    LockSupport.parkNanos(2_000_000_000L);
    return ServerMemory.measure(target, pid, host, port);
  }

  private static void print(String stage, ServerMemory m, WireTarget target) {
    System.out.printf(
        "  %-22s Rss %8.1f MB  Pss %8.1f MB  %s  (%d processes)%n",
        stage,
        m.rss() / 1e6,
        m.pss() / 1e6,
        m.own() < 0
            ? ""
            : String.format(
                "%s %.1f MB",
                target == WireTarget.HELIOSDB ? "live heap" : "used_memory", m.own() / 1e6),
        m.processes());
  }

  private WireMemoryProbe() {}
}
