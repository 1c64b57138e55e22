package io.heliosdb.nano.metrics;

/**
 * What HeliosDB reports about notifications. Every method has a no-op default, so an adapter (for
 * Prometheus, Micrometer, ...) overrides what it needs; core code never imports a metrics library.
 * Methods are called on hot paths and must not block.
 */
public interface MetricsTracker {

  /** Why a notification did not reach a subscriber. */
  enum DropReason {
    /** The subscriber's bounded queue held notification_queue_size notifications. */
    QUEUE_FULL,
    /** The subscriber's queue held notification_queue_bytes: the notification did not fit. */
    QUEUE_BYTES,
    /** All subscribers' queues together held notification_queue_total_bytes. */
    TOTAL_QUEUE_BYTES,
    /** The subscriber was closed before it read the notification. */
    SUBSCRIBER_CLOSED,
    /**
     * Cross-process delivery fell so far behind that retention removed notifications before this
     * process read them.
     */
    RELAY_BEHIND
  }

  /** What became of a notification a durable consumer's worker took. */
  enum ConsumerOutcome {
    /** The handler's transaction committed with the acknowledgement. */
    HANDLED,
    /** The handler failed; the notification will be tried again after the backoff. */
    RETRIED,
    /** The handler failed on the last attempt; the notification went to the dead-letter channel. */
    DEAD_LETTERED
  }

  /** What federation (docs/federation.md) did with a notification, or with its NATS link. */
  enum FederationEvent {
    /** A committed notification was published to NATS. */
    FORWARDED,
    /** A notification from another node was delivered here. */
    RECEIVED,
    /**
     * A notification of a non-durable federated channel was not published: the outgoing queue was
     * full, NATS was not connected, or NATS refused it (larger than its max_payload).
     */
    DROPPED,
    /**
     * A message on our subjects that is not a notification of ours (a bad envelope) was skipped.
     */
    IGNORED,
    /** The link to NATS came back after it was lost. */
    RECONNECTED
  }

  /** A tracker that records nothing. */
  MetricsTracker NOOP = new MetricsTracker() {};

  /** A committed notification entered the hub, before fan-out. */
  default void notificationSent(String channel) {}

  /** A subscriber took a notification; {@code latencyNanos} runs from commit to hand-over. */
  default void notificationDelivered(long latencyNanos) {}

  /** {@code count} notifications were dropped for one subscriber. */
  default void notificationsDropped(DropReason reason, long count) {}

  /** The number of open subscriptions changed. */
  default void subscriptionsChanged(int active) {}

  /** The number of channels with at least one listener changed. */
  default void channelsChanged(int active) {}

  /**
   * The durable log, after retention ran (every few seconds): notifications kept, and the oldest
   * and newest id kept (0 when empty). A subscriber's own lag is {@code Subscription.lag()}.
   */
  default void durableLogChanged(long retained, long oldestId, long newestId) {}

  /** Federation: {@code event} happened once. */
  default void federation(FederationEvent event) {}

  /**
   * Federation: durable notifications committed here and not yet published to NATS (they wait in
   * the durable log while NATS is away).
   */
  default void federationForwardLag(long pending) {}

  /** A worker of durable consumer {@code consumer} finished with one notification. */
  default void consumerOutcome(String consumer, ConsumerOutcome outcome) {}

  /**
   * Notifications durable consumer {@code consumer} has not yet done (claimed or not), refreshed
   * every few seconds while the database is open with metrics on.
   */
  default void consumerLag(String consumer, long lag) {}
}
