package io.heliosdb.nano.bench;

import java.util.List;
import java.util.Locale;

/**
 * Notifications through the HTTP gateway of {@code heliosdb serve} to CLIENTS clients, each an
 * event stream ({@code sse}: {@code GET /channels/bench/events}) or a WebSocket ({@code ws}: {@code
 * GET /ws}, subscribed to {@code bench}), all read directly on one selector thread ({@link
 * ListenerPool} with {@link SseListenSession} or {@link WsListenSession}). One publisher: pgjdbc on
 * the wire port ({@code pg:PORT}, autocommit, one {@code NOTIFY bench, '<100 B>'} per statement,
 * {@link PgPublisher}) or HTTP ({@code post}, one {@code POST /channels/bench} per notification,
 * {@link HttpPostPublisher}). Each payload starts with its send time ({@link System#nanoTime()},
 * same JVM as the clients) and a sequence number.
 *
 * <ul>
 *   <li>RATE > 0: that many notifications/s; latency from send (just before the NOTIFY or POST,
 *       which return once committed) until the client's selector read the event, all clients.
 *   <li>RATE 0: as fast as the slowest client keeps up: at most WINDOW ({@code -Dwindow=}, default
 *       256, below the server's per-stream queue of 1024) notifications ahead of it ({@link
 *       DeliveryWindow}); reports deliveries/s to all clients.
 * </ul>
 *
 * <p>3 s warm-up, SECONDS measured; then it waits for the clients to drain (until all arrived or
 * nothing did for 3 s). Loss: published x clients - delivered; the server's own count of what it
 * dropped (its {@code overflow} reports) is printed beside it. Needs the gateway's {@code
 * max_connections} (default 1000) above CLIENTS (+1 with {@code post}): see bench/http-rounds.sh.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.heliosdb.nano.bench.HttpNotifyHarness \
 *      sse|ws HOST HTTP_PORT pg:PORT|post SECONDS RATE CLIENTS
 * </pre>
 */
public final class HttpNotifyHarness {
  private static final int PAYLOAD_BYTES = 100;
  private static final int WARMUP_SECONDS = 3;

  public static void main(String[] args) throws Exception {
    HttpStream kind = HttpStream.parse(args[0]);
    String host = args[1];
    int httpPort = Integer.parseInt(args[2]);
    String via = args[3];
    int seconds = Integer.parseInt(args[4]);
    int rate = Integer.parseInt(args[5]);
    int clients = Integer.parseInt(args[6]);

    DeliveryLog log = new DeliveryLog(clients);
    DeliveryWindow window = new DeliveryWindow(Integer.getInteger("window", 256));
    OverflowLog overflows = new OverflowLog();
    ListenerPool pool =
        new ListenerPool(
            channels -> kind.session(host, channels, overflows),
            host,
            httpPort,
            (c, b, o, l, n) -> {
              log.payload(c, b, o, l, n);
              window.payload(c, b, o, l, n);
            });
    long openStart = System.nanoTime();
    pool.open(clients, i -> List.of("bench"));
    if (!pool.awaitReady(clients, 30_000)) {
      System.out.printf(
          "%s: only %d of %d clients ready (%d failed, first: %s)%n",
          kind, pool.ready(), clients, pool.failed(), pool.firstFailure());
      pool.close();
      return;
    }
    double openSeconds = (System.nanoTime() - openStart) / 1e9;

    long start = System.nanoTime();
    long measureStart = start + WARMUP_SECONDS * 1_000_000_000L;
    long end = measureStart + seconds * 1_000_000_000L;
    log.window(measureStart, end);
    long intervalNanos = rate > 0 ? 1_000_000_000L / rate : 0;
    long sent = 0;
    long sentInWindow = 0;
    try (WirePublisher publisher =
        via.equals("post")
            ? new HttpPostPublisher(host, httpPort)
            : new PgPublisher(host, Integer.parseInt(via.substring(via.indexOf(':') + 1)))) {
      SendSchedule schedule = new SendSchedule(start, end, intervalNanos);
      while (schedule.awaitNext()) {
        if (intervalNanos == 0) {
          window.awaitRoom(sent, pool.ready(), 1_000_000_000L); // not for dropped ones
        }
        long t = System.nanoTime();
        publisher.send("bench", Payloads.timed(t, sent++, PAYLOAD_BYTES));
        if (t >= measureStart) {
          sentInWindow++;
        }
      }
    }
    long publishedEnd = System.nanoTime();
    long expected = sent * clients;
    log.awaitDrained(expected);
    double drainSeconds = (System.nanoTime() - publishedEnd) / 1e9;
    int failed = pool.failed();
    String failure = pool.firstFailure();
    pool.close();

    long[] sorted = log.sortedLatencies();
    System.out.printf(
        "http %s, publisher %s, %d clients (connected in %.1f s), rate %s, %d s: published %d"
            + " (%.0f msgs/s), delivered in window %.0f/s; lost %d of %d (fewest to one client %d"
            + " of %d), overflow reports %d (dropped %d), publisher stalls %d, drain %.1f s,"
            + " connections dropped %d%s%n",
        kind.name().toLowerCase(Locale.ROOT),
        via,
        clients,
        openSeconds,
        rate > 0 ? rate + "/s" : "paced (window " + Integer.getInteger("window", 256) + ")",
        seconds,
        sentInWindow,
        sentInWindow / (double) seconds,
        log.inWindow() / (double) seconds,
        expected - log.total(),
        expected,
        log.fewestPerConnection(),
        sent,
        overflows.reports(),
        overflows.dropped(),
        window.stalls(),
        drainSeconds,
        failed,
        failure == null ? "" : " (" + failure + ")");
    System.out.printf(
        "  latency µs (sent in window, %d samples%s): p50 %.0f p90 %.0f p99 %.0f p99.9 %.0f max %.0f%n",
        sorted.length,
        rate > 0 ? "" : "; paced: mostly the window's queueing",
        DeliveryLog.percentileMicros(sorted, 0.50),
        DeliveryLog.percentileMicros(sorted, 0.90),
        DeliveryLog.percentileMicros(sorted, 0.99),
        DeliveryLog.percentileMicros(sorted, 0.999),
        DeliveryLog.percentileMicros(sorted, 1.0));
  }

  private HttpNotifyHarness() {}
}
