package io.heliosdb.nano.http;

import io.heliosdb.nano.metrics.DefaultMetrics;
import io.heliosdb.nano.metrics.MetricsTracker;
import io.heliosdb.nano.metrics.MetricsTracker.ConsumerOutcome;
import io.heliosdb.nano.metrics.MetricsTracker.DropReason;
import io.heliosdb.nano.metrics.MetricsTracker.FederationEvent;
import io.heliosdb.nano.net.AuthThrottle;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * /metrics: the core's {@link DefaultMetrics} and the server's gauges in Prometheus's text format.
 * The Prometheus client library names, types, escapes and writes them; each scrape reads the core's
 * counters through callbacks, so nothing is copied between scrapes.
 */
final class MetricsExporter {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  /**
   * @param metrics the database's tracker: exported when it is the built-in one ([monitoring]
   *     metrics_enabled = true, heliosdb serve's default), else null
   */
  static MetricsExporter of(
      MetricsTracker metrics,
      IntSupplier wireSessions,
      IntSupplier httpStreams,
      IntSupplier webSockets,
      IntSupplier httpConnections) {
    if (!(metrics instanceof DefaultMetrics m)) {
      return null;
    }
    return new MetricsExporter(m, wireSessions, httpStreams, webSockets, httpConnections);
  }

  private MetricsExporter(
      DefaultMetrics m,
      IntSupplier wireSessions,
      IntSupplier httpStreams,
      IntSupplier webSockets,
      IntSupplier httpConnections) {
    counter("heliosdb_notifications_sent", "Committed notifications published", m::sent);
    counter(
        "heliosdb_notifications_delivered",
        "Notifications handed to subscribers (one per subscriber)",
        m::delivered);
    CounterWithCallback.builder()
        .name("heliosdb_notifications_dropped")
        .help("Notifications that did not reach a subscriber, by reason")
        .labelNames("reason")
        .callback(
            cb -> {
              for (DropReason r : DropReason.values()) {
                cb.call(m.dropped(r), r.name().toLowerCase(Locale.ROOT));
              }
            })
        .register(registry);
    gauge(
        "heliosdb_subscriptions",
        "Open subscriptions (wire sessions and streams included)",
        m::activeSubscriptions);
    gauge("heliosdb_channels", "Channels with at least one listener", m::activeChannels);
    gauge(
        "heliosdb_durable_log_retained",
        "Notifications kept in the durable log",
        m::durableLogRetained);
    gauge(
        "heliosdb_durable_log_oldest_id",
        "Oldest id kept in the durable log (0: empty)",
        m::durableLogOldestId);
    gauge(
        "heliosdb_durable_log_newest_id",
        "Newest id in the durable log (0: empty)",
        m::durableLogNewestId);
    gauge(
        "heliosdb_wire_sessions",
        "PostgreSQL wire protocol sessions connected",
        () -> wireSessions.getAsInt());
    gauge("heliosdb_http_streams", "Server-Sent Events streams open", () -> httpStreams.getAsInt());
    gauge("heliosdb_http_websockets", "WebSocket connections open", () -> webSockets.getAsInt());
    gauge("heliosdb_http_connections", "HTTP connections open", () -> httpConnections.getAsInt());
    registry.register(new LatencyHistogram(m));
    exportConsumers(m);
    exportFederation(m);
  }

  /** Federation (docs/federation.md): zero unless [federation] is configured. */
  private void exportFederation(DefaultMetrics m) {
    for (FederationEvent e : FederationEvent.values()) {
      String name = e.name().toLowerCase(Locale.ROOT);
      counter(
          "heliosdb_federation_" + (e == FederationEvent.RECONNECTED ? "reconnects" : name),
          switch (e) {
            case FORWARDED -> "Committed notifications published to NATS";
            case RECEIVED -> "Notifications from other nodes delivered here";
            case DROPPED ->
                "Notifications of non-durable federated channels not published (queue full, NATS"
                    + " away or refusing)";
            case IGNORED -> "Messages on our subjects that are not our notifications (skipped)";
            case RECONNECTED -> "Times the link to NATS came back after it was lost";
          },
          () -> m.federationCount(e));
    }
    gauge(
        "heliosdb_federation_forward_lag",
        "Durable notifications committed here and not yet published to NATS",
        m::federationForwardLag);
  }

  /**
   * Per durable consumer: its lag (refreshed every 2 s from the database, all workers of every
   * process included) and what this process's workers did with the notifications they took.
   */
  private void exportConsumers(DefaultMetrics m) {
    GaugeWithCallback.builder()
        .name("heliosdb_consumer_lag")
        .help("Notifications a durable consumer has not yet done (claimed or not), every worker's")
        .labelNames("consumer")
        .callback(
            cb -> {
              for (String c : m.consumers()) {
                long lag = m.consumerLag(c);
                if (lag >= 0) {
                  cb.call(lag, c);
                }
              }
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("heliosdb_consumer_notifications")
        .help(
            "Notifications this process's consumer workers finished: handled (committed with the"
                + " acknowledgement; Java workers), retried, dead_lettered")
        .labelNames("consumer", "outcome")
        .callback(
            cb -> {
              for (String c : m.consumers()) {
                for (ConsumerOutcome o : ConsumerOutcome.values()) {
                  cb.call(m.consumerOutcomes(c, o), c, o.name().toLowerCase(Locale.ROOT));
                }
              }
            })
        .register(registry);
  }

  /**
   * Which node this is ([edge] device_id, else the host's name) and where ([edge] location), as
   * labels of a gauge that is always 1, Prometheus's way to label a target.
   */
  void node(String node, String location) {
    GaugeWithCallback.builder()
        .name("heliosdb_node_info")
        .help("This node: its name (the origin of its notifications elsewhere) and location")
        .labelNames("node", "location")
        .callback(cb -> cb.call(1, node, location == null ? "" : location))
        .register(registry);
  }

  /** Connections the gateway ended for a client's mistake, by reason. */
  void clientErrors(ClientErrors errors) {
    CounterWithCallback.builder()
        .name("heliosdb_http_client_errors")
        .help("HTTP connections ended for a client's mistake, by reason")
        .labelNames("reason")
        .callback(
            cb -> {
              for (ClientErrors.Reason r : ClientErrors.Reason.values()) {
                cb.call(errors.count(r), r.label());
              }
            })
        .register(registry);
  }

  /** Failed authentications on either port, and those answered late by the throttle. */
  void authentication(AuthThrottle throttle) {
    counter(
        "heliosdb_auth_failures",
        "Failed authentications (wrong passwords on the wire port, wrong tokens on HTTP)",
        throttle::failures);
    counter(
        "heliosdb_auth_throttled",
        "Failed authentications answered after a delay (repeated failures from one address)",
        throttle::throttled);
  }

  /**
   * The server's memory: the JVM's heap and direct memory and the process's resident memory (the
   * library's JVM instrumentation: jvm_memory_used_bytes, jvm_memory_max_bytes,
   * jvm_buffer_pool_used_bytes, process_resident_memory_bytes, ...), and the bytes the wire
   * server's connections hold in their buffers (all together, and the largest of one session).
   */
  void exportMemory(
      LongSupplier wireBufferedBytes,
      LongSupplier wireSessionBufferedBytesMax,
      IntSupplier sqliteConnections) {
    gauge(
        "heliosdb_sqlite_connections",
        "SQLite connections wire sessions hold: opened at a session's first statement that needs"
            + " one, never for LISTEN, UNLISTEN or NOTIFY alone",
        () -> sqliteConnections.getAsInt());
    JvmMemoryMetrics.builder().register(registry);
    JvmBufferPoolMetrics.builder().register(registry);
    ProcessMetrics.builder().register(registry);
    gauge(
        "heliosdb_wire_buffered_bytes",
        "Bytes held for wire sessions: received and not yet decoded, written and not yet sent",
        wireBufferedBytes);
    gauge(
        "heliosdb_wire_session_buffered_bytes_max",
        "The most bytes one wire session holds in those buffers",
        wireSessionBufferedBytesMax);
  }

  private void counter(String name, String help, LongSupplier value) {
    CounterWithCallback.builder()
        .name(name)
        .help(help)
        .callback(cb -> cb.call(value.getAsLong()))
        .register(registry);
  }

  private void gauge(String name, String help, LongSupplier value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .callback(cb -> cb.call(value.getAsLong()))
        .register(registry);
  }

  String contentType() {
    return writer.getContentType();
  }

  void write(OutputStream out) throws IOException {
    writer.write(out, registry.scrape());
  }

  /**
   * notification_delivery_duration_seconds from the core's fixed buckets (the library's Histogram
   * would observe values itself; the core has already counted them).
   */
  private static final class LatencyHistogram implements Collector {
    private static final String NAME = "heliosdb_notification_delivery_duration_seconds";
    private final DefaultMetrics m;

    LatencyHistogram(DefaultMetrics m) {
      this.m = m;
    }

    @Override
    public MetricSnapshot collect() {
      double[] bounds = new double[DefaultMetrics.LATENCY_BUCKETS_SECONDS.length + 1];
      System.arraycopy(DefaultMetrics.LATENCY_BUCKETS_SECONDS, 0, bounds, 0, bounds.length - 1);
      bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
      long[] counts = m.latencyBucketCounts(); // per bucket, not cumulative: what of() takes
      return HistogramSnapshot.builder()
          .name(NAME)
          .help("Time from commit to hand-over to a subscriber")
          .unit(Unit.SECONDS)
          .dataPoint(
              HistogramDataPointSnapshot.builder()
                  .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
                  .sum(Unit.nanosToSeconds(m.latencySumNanos()))
                  .build())
          .build();
    }

    @Override
    public String getPrometheusName() {
      return NAME;
    }
  }
}
