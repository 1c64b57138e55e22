package io.heliosdb.nano.micrometer;

import io.heliosdb.nano.metrics.DefaultMetrics;
import io.heliosdb.nano.metrics.MetricsTracker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * HeliosDB's notification metrics in any Micrometer registry (Prometheus, OTLP, Datadog...): the
 * counters, gauges and delivery-latency histogram of the metrics SPI, under the names the server's
 * Prometheus endpoint uses, with dots. Give it to the database and bind it:
 *
 * <pre>{@code
 * HeliosMeterBinder metrics = new HeliosMeterBinder();
 * HeliosDB db = HeliosDB.open(HeliosConfig.builder().path(file).metrics(metrics).build());
 * metrics.bindTo(registry);
 * }</pre>
 *
 * <p>Counts live in a {@link DefaultMetrics} that the meters read, so nothing is lost before the
 * binding; the latency timer records only deliveries after it.
 */
public final class HeliosMeterBinder implements MetricsTracker, MeterBinder {
  private final DefaultMetrics counts = new DefaultMetrics();
  private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
  private final List<Timer> latency = new CopyOnWriteArrayList<>();
  private final Set<String> consumers = ConcurrentHashMap.newKeySet();

  /** The counts behind the meters (also those of before the binding). */
  public DefaultMetrics counts() {
    return counts;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    counter(
        registry,
        "heliosdb.notifications.sent",
        "Committed notifications published",
        m -> m.sent());
    counter(
        registry,
        "heliosdb.notifications.delivered",
        "Notifications handed to subscribers (one per subscriber)",
        m -> m.delivered());
    for (DropReason r : DropReason.values()) {
      FunctionCounter.builder("heliosdb.notifications.dropped", counts, m -> m.dropped(r))
          .description("Notifications that did not reach a subscriber, by reason")
          .tag("reason", r.name().toLowerCase(Locale.ROOT))
          .register(registry);
    }
    gauge(registry, "heliosdb.subscriptions", "Open subscriptions", m -> m.activeSubscriptions());
    gauge(
        registry,
        "heliosdb.channels",
        "Channels with at least one listener",
        m -> m.activeChannels());
    gauge(
        registry,
        "heliosdb.durable.log.retained",
        "Notifications kept in the durable log",
        m -> m.durableLogRetained());
    gauge(
        registry,
        "heliosdb.durable.log.oldest.id",
        "Oldest id kept in the durable log (0: empty)",
        m -> m.durableLogOldestId());
    gauge(
        registry,
        "heliosdb.durable.log.newest.id",
        "Newest id in the durable log (0: empty)",
        m -> m.durableLogNewestId());
    latency.add(
        Timer.builder("heliosdb.notification.latency")
            .description("From commit to the hand-over to a subscriber")
            .serviceLevelObjectives(latencyBuckets())
            .register(registry));
    registries.add(registry);
    for (String c : consumers) {
      bindConsumer(registry, c);
    }
  }

  /** The buckets of {@link DefaultMetrics}, so that every exporter shows the same histogram. */
  private static Duration[] latencyBuckets() {
    double[] seconds = DefaultMetrics.LATENCY_BUCKETS_SECONDS;
    Duration[] out = new Duration[seconds.length];
    for (int i = 0; i < seconds.length; i++) {
      out[i] = Duration.ofNanos(Math.round(seconds[i] * 1e9));
    }
    return out;
  }

  private void counter(
      MeterRegistry registry, String name, String help, ToDoubleFunction<DefaultMetrics> f) {
    FunctionCounter.builder(name, counts, f).description(help).register(registry);
  }

  private void gauge(
      MeterRegistry registry, String name, String help, ToDoubleFunction<DefaultMetrics> f) {
    Gauge.builder(name, counts, f).description(help).register(registry);
  }

  private void bindConsumer(MeterRegistry registry, String consumer) {
    Gauge.builder("heliosdb.consumer.lag", counts, m -> m.consumerLag(consumer))
        .description(
            "Notifications a durable consumer has not yet done; -1 before the first refresh")
        .tag("consumer", consumer)
        .register(registry);
    for (ConsumerOutcome o : ConsumerOutcome.values()) {
      FunctionCounter.builder(
              "heliosdb.consumer.notifications", counts, m -> m.consumerOutcomes(consumer, o))
          .description("Notifications this process's consumer workers finished, by outcome")
          .tag("consumer", consumer)
          .tag("outcome", o.name().toLowerCase(Locale.ROOT))
          .register(registry);
    }
  }

  /** Consumers appear while running: their meters are registered at the first report. */
  private void seeConsumer(String consumer) {
    if (consumers.add(consumer)) {
      for (MeterRegistry r : registries) {
        bindConsumer(r, consumer);
      }
    }
  }

  @Override
  public void notificationSent(String channel) {
    counts.notificationSent(channel);
  }

  @Override
  public void notificationDelivered(long latencyNanos) {
    counts.notificationDelivered(latencyNanos);
    for (Timer t : latency) {
      t.record(latencyNanos, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void notificationsDropped(DropReason reason, long count) {
    counts.notificationsDropped(reason, count);
  }

  @Override
  public void subscriptionsChanged(int active) {
    counts.subscriptionsChanged(active);
  }

  @Override
  public void channelsChanged(int active) {
    counts.channelsChanged(active);
  }

  @Override
  public void durableLogChanged(long retained, long oldestId, long newestId) {
    counts.durableLogChanged(retained, oldestId, newestId);
  }

  @Override
  public void consumerOutcome(String consumer, ConsumerOutcome outcome) {
    counts.consumerOutcome(consumer, outcome);
    seeConsumer(consumer);
  }

  @Override
  public void consumerLag(String consumer, long lag) {
    counts.consumerLag(consumer, lag);
    seeConsumer(consumer);
  }
}
