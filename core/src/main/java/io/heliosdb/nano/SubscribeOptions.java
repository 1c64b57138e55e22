package io.heliosdb.nano;

import java.util.List;
import java.util.Objects;

/**
 * What to subscribe to, and from where: {@code SubscribeOptions.channels("orders").fromId(41)}
 * delivers the durable notifications after id 41, then the live stream, with no gap and no
 * duplicate at the seam.
 */
public final class SubscribeOptions {
  private final List<String> channels;
  private final long fromId;
  private final int queueSize;

  private SubscribeOptions(List<String> channels, long fromId, int queueSize) {
    this.channels = channels;
    this.fromId = fromId;
    this.queueSize = queueSize;
  }

  /** The live stream of these channels (as {@link PubSub#subscribe(String...)}). */
  public static SubscribeOptions channels(String... channels) {
    return new SubscribeOptions(List.of(channels), -1, 0);
  }

  /**
   * Resume after {@code lastSeenId}, a {@link Notification#id()} this subscriber already has (0 for
   * everything kept). Every channel must be durable. When the log no longer keeps what comes after
   * it, or does not know the id, the first item is a reset marker ({@link Notification#isReset()}).
   */
  public SubscribeOptions fromId(long lastSeenId) {
    if (lastSeenId < 0) {
      throw new HeliosException(
          io.heliosdb.nano.error.SqlState.INVALID_PARAMETER_VALUE.code(),
          "fromId must be 0 or more, not " + lastSeenId,
          null);
    }
    return new SubscribeOptions(channels, lastSeenId, queueSize);
  }

  /**
   * This subscription's queue holds up to {@code size} notifications instead of {@code
   * notification_queue_size}; beyond it, drops are counted and reported as usual (or, when
   * resuming, repaired from the log).
   */
  public SubscribeOptions queueSize(int size) {
    if (size < 1) {
      throw new HeliosException(
          io.heliosdb.nano.error.SqlState.INVALID_PARAMETER_VALUE.code(),
          "queueSize must be at least 1, not " + size,
          null);
    }
    return new SubscribeOptions(channels, fromId, size);
  }

  List<String> channelList() {
    return channels;
  }

  /** 0 for the database's notification_queue_size. */
  int queueCapacity() {
    return queueSize;
  }

  /** -1 for live only. */
  long resumeAfter() {
    return fromId;
  }

  @Override
  public String toString() {
    return "SubscribeOptions{channels="
        + channels
        + (fromId >= 0 ? ", fromId=" + fromId : "")
        + (queueSize > 0 ? ", queueSize=" + queueSize : "")
        + "}";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SubscribeOptions s
        && fromId == s.fromId
        && queueSize == s.queueSize
        && channels.equals(s.channels);
  }

  @Override
  public int hashCode() {
    return Objects.hash(channels, fromId, queueSize);
  }
}
