package io.heliosdb.nano.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The built-in tracker used when {@code [monitoring] metrics_enabled = true}: lock-free counters
 * and a fixed-bucket latency histogram that an exporter can read.
 */
public final class DefaultMetrics implements MetricsTracker {

  /** Upper bounds of the latency buckets, in seconds (Prometheus style; the last is +Inf). */
  public static final double[] LATENCY_BUCKETS_SECONDS = {
    0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
    0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private static final long[] BUCKET_NANOS = new long[LATENCY_BUCKETS_SECONDS.length];

  static {
    for (int i = 0; i < BUCKET_NANOS.length; i++) {
      BUCKET_NANOS[i] = Math.round(LATENCY_BUCKETS_SECONDS[i] * 1e9);
    }
  }

  private final LongAdder sent = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);
  private final AtomicLongArray buckets = new AtomicLongArray(BUCKET_NANOS.length + 1);
  private volatile long[] durableLog = {0, 0, 0};
  private final LongAdder latencySumNanos = new LongAdder();
  private volatile int subscriptions;
  private volatile int channels;

  private final Map<FederationEvent, LongAdder> federation = new EnumMap<>(FederationEvent.class);
  private volatile long federationForwardLag;

  private final java.util.concurrent.ConcurrentHashMap<String, LongAdder[]> consumerOutcomes =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.ConcurrentHashMap<String, Long> consumerLags =
      new java.util.concurrent.ConcurrentHashMap<>();

  public DefaultMetrics() {
    for (DropReason r : DropReason.values()) {
      dropped.put(r, new LongAdder());
    }
    for (FederationEvent e : FederationEvent.values()) {
      federation.put(e, new LongAdder());
    }
  }

  @Override
  public void federation(FederationEvent event) {
    federation.get(event).increment();
  }

  @Override
  public void federationForwardLag(long pending) {
    federationForwardLag = pending;
  }

  /** How many times federation saw {@code event}. */
  public long federationCount(FederationEvent event) {
    return federation.get(event).sum();
  }

  /** Durable notifications committed here not yet published to NATS, as last reported. */
  public long federationForwardLag() {
    return federationForwardLag;
  }

  @Override
  public void notificationSent(String channel) {
    sent.increment();
  }

  @Override
  public void notificationDelivered(long latencyNanos) {
    delivered.increment();
    latencySumNanos.add(latencyNanos);
    int i = 0;
    while (i < BUCKET_NANOS.length && latencyNanos > BUCKET_NANOS[i]) {
      i++;
    }
    buckets.incrementAndGet(i);
  }

  @Override
  public void notificationsDropped(DropReason reason, long count) {
    dropped.get(reason).add(count);
  }

  @Override
  public void subscriptionsChanged(int active) {
    subscriptions = active;
  }

  @Override
  public void channelsChanged(int active) {
    channels = active;
  }

  @Override
  public void durableLogChanged(long retained, long oldestId, long newestId) {
    durableLog = new long[] {retained, oldestId, newestId};
  }

  /** Notifications kept in the durable log when retention last ran. */
  public long durableLogRetained() {
    return durableLog[0];
  }

  /** The oldest id kept in the durable log when retention last ran (0 when empty). */
  public long durableLogOldestId() {
    return durableLog[1];
  }

  /** The newest id in the durable log when retention last ran (0 when empty). */
  public long durableLogNewestId() {
    return durableLog[2];
  }

  public long sent() {
    return sent.sum();
  }

  public long delivered() {
    return delivered.sum();
  }

  public long dropped(DropReason reason) {
    return dropped.get(reason).sum();
  }

  public int activeSubscriptions() {
    return subscriptions;
  }

  public int activeChannels() {
    return channels;
  }

  /** Total delivery latency observed, in nanoseconds (the histogram's sum). */
  public long latencySumNanos() {
    return latencySumNanos.sum();
  }

  /**
   * Non-cumulative bucket counts: index i counts latencies up to {@link
   * #LATENCY_BUCKETS_SECONDS}[i], the last index those above every bound.
   */
  public long[] latencyBucketCounts() {
    long[] out = new long[buckets.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = buckets.get(i);
    }
    return out;
  }

  @Override
  public void consumerOutcome(String consumer, ConsumerOutcome outcome) {
    consumerOutcomes
        .computeIfAbsent(
            consumer,
            c -> {
              LongAdder[] a = new LongAdder[ConsumerOutcome.values().length];
              for (int i = 0; i < a.length; i++) {
                a[i] = new LongAdder();
              }
              return a;
            })[outcome.ordinal()]
        .increment();
  }

  @Override
  public void consumerLag(String consumer, long lag) {
    consumerLags.put(consumer, lag);
  }

  /** How many notifications consumer {@code consumer}'s workers in this process ended so. */
  public long consumerOutcomes(String consumer, ConsumerOutcome outcome) {
    LongAdder[] a = consumerOutcomes.get(consumer);
    return a == null ? 0 : a[outcome.ordinal()].sum();
  }

  /** The consumers with a lag or an outcome recorded, sorted by name. */
  public java.util.SortedSet<String> consumers() {
    java.util.TreeSet<String> names = new java.util.TreeSet<>(consumerLags.keySet());
    names.addAll(consumerOutcomes.keySet());
    return names;
  }

  /** Consumer {@code consumer}'s lag as last refreshed; -1 before the first refresh. */
  public long consumerLag(String consumer) {
    return consumerLags.getOrDefault(consumer, -1L);
  }
}
