package io.heliosdb.nano.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How a durable consumer works through its channels: how many workers, how many notifications a
 * worker claims at once and for how long, and what happens to a notification whose handler keeps
 * failing. Immutable; start from {@link #DEFAULTS} and change what you need with the {@code with}
 * methods.
 *
 * @param workers threads (per process) handling notifications, 1 to 256
 * @param batchSize notifications a worker claims in one transaction, 1 to 1000
 * @param lease how long a claim holds; when it runs out (its worker died, or took longer), another
 *     worker may take the notification, and the first one's acknowledgement then fails
 * @param retryMaxAttempts attempts before a notification is dead-lettered (1: no retry)
 * @param retryBackoff the wait before the first retry; doubled for each one after
 * @param retryBackoffMax the longest wait between two attempts
 * @param deadLetterChannel where failed notifications go; null for {@code <consumer>_dead_letter}
 * @param startAt where a new consumer starts: the oldest notification kept, or after the newest
 */
public record ConsumerSettings(
    int workers,
    int batchSize,
    Duration lease,
    int retryMaxAttempts,
    Duration retryBackoff,
    Duration retryBackoffMax,
    String deadLetterChannel,
    StartAt startAt) {

  /** Where a consumer that does not exist yet starts reading. */
  public enum StartAt {
    /** At the oldest notification the durable log keeps: nothing kept is missed. */
    BEGINNING,
    /** After the newest notification logged when it is created: only what comes later. */
    END
  }

  /**
   * One worker, batches of 10, a 30 s lease, 5 attempts with backoff from 1 s doubling up to 5 min,
   * dead letters to {@code <consumer>_dead_letter}, new consumers start at the beginning.
   */
  public static final ConsumerSettings DEFAULTS =
      new ConsumerSettings(
          1,
          10,
          Duration.ofSeconds(30),
          5,
          Duration.ofSeconds(1),
          Duration.ofMinutes(5),
          null,
          StartAt.BEGINNING);

  public ConsumerSettings {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(retryBackoff, "retryBackoff");
    Objects.requireNonNull(retryBackoffMax, "retryBackoffMax");
    Objects.requireNonNull(startAt, "startAt");
    range("workers", workers, 1, 256);
    range("batch_size", batchSize, 1, 1000);
    range("retry_max_attempts", retryMaxAttempts, 1, 1000);
    if (lease.toMillis() < 100) {
      throw new ConfigException(
          "lease = " + Durations.format(lease) + " is too short: at least 100ms");
    }
    if (retryBackoff.isNegative() || retryBackoffMax.compareTo(retryBackoff) < 0) {
      throw new ConfigException(
          "retry_backoff = "
              + Durations.format(retryBackoff)
              + " is out of range: zero or more, and at most retry_backoff_max = "
              + Durations.format(retryBackoffMax));
    }
    if (deadLetterChannel != null) {
      WorkflowStep.checkChannel("consumer", "dead_letter_channel", deadLetterChannel);
    }
  }

  private static void range(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw new ConfigException(
          key + " = " + value + " is out of range: must be from " + min + " to " + max);
    }
  }

  /** The dead-letter channel of the consumer called {@code consumer}. */
  public String deadLetterChannel(String consumer) {
    return deadLetterChannel != null ? deadLetterChannel : consumer + "_dead_letter";
  }

  /** The wait before attempt {@code attempt + 1}, after {@code attempt} failed (1 = the first). */
  public Duration backoffAfter(int attempt) {
    return Duration.ofMillis(
        backoffMillis(retryBackoff.toMillis(), retryBackoffMax.toMillis(), attempt));
  }

  /**
   * The wait in milliseconds after failed attempt {@code attempt} (1 = the first): {@code base}
   * doubled for each attempt after the first, at most {@code max}.
   */
  public static long backoffMillis(long base, long max, int attempt) {
    long ms = base;
    for (int i = 1; i < attempt && ms < max; i++) {
      ms *= 2;
    }
    return Math.min(ms, max);
  }

  public ConsumerSettings withWorkers(int n) {
    return new ConsumerSettings(
        n,
        batchSize,
        lease,
        retryMaxAttempts,
        retryBackoff,
        retryBackoffMax,
        deadLetterChannel,
        startAt);
  }

  public ConsumerSettings withBatchSize(int n) {
    return new ConsumerSettings(
        workers,
        n,
        lease,
        retryMaxAttempts,
        retryBackoff,
        retryBackoffMax,
        deadLetterChannel,
        startAt);
  }

  public ConsumerSettings withLease(Duration d) {
    return new ConsumerSettings(
        workers,
        batchSize,
        d,
        retryMaxAttempts,
        retryBackoff,
        retryBackoffMax,
        deadLetterChannel,
        startAt);
  }

  public ConsumerSettings withRetry(int maxAttempts, Duration backoff) {
    return new ConsumerSettings(
        workers,
        batchSize,
        lease,
        maxAttempts,
        backoff,
        backoff.compareTo(retryBackoffMax) > 0 ? backoff : retryBackoffMax,
        deadLetterChannel,
        startAt);
  }

  public ConsumerSettings withRetryBackoffMax(Duration d) {
    return new ConsumerSettings(
        workers, batchSize, lease, retryMaxAttempts, retryBackoff, d, deadLetterChannel, startAt);
  }

  public ConsumerSettings withDeadLetterChannel(String channel) {
    return new ConsumerSettings(
        workers,
        batchSize,
        lease,
        retryMaxAttempts,
        retryBackoff,
        retryBackoffMax,
        channel,
        startAt);
  }

  public ConsumerSettings withStartAt(StartAt s) {
    return new ConsumerSettings(
        workers,
        batchSize,
        lease,
        retryMaxAttempts,
        retryBackoff,
        retryBackoffMax,
        deadLetterChannel,
        s);
  }
}
