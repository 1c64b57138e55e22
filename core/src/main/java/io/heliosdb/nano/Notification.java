package io.heliosdb.nano;

import io.heliosdb.nano.notify.Message;
import java.util.Objects;

/**
 * A notification delivered to a subscriber, or an overflow marker standing where notifications were
 * dropped because the subscriber's queue was full. Shaped like pgjdbc's {@code PGNotification}:
 * channel (name), payload (parameter) and sender process id.
 */
public final class Notification {
  private final String channel;
  private final String payload;
  private final int senderPid;
  private final long sequence;
  private final long dropped;

  private Notification(String channel, String payload, int senderPid, long sequence, long dropped) {
    this.channel = channel;
    this.payload = payload;
    this.senderPid = senderPid;
    this.sequence = sequence;
    this.dropped = dropped;
  }

  static Notification of(Message m) {
    return m == null
        ? null
        : new Notification(m.channel(), m.payload(), m.senderPid(), m.sequence(), m.dropped());
  }

  /** The channel, or null for an overflow marker. */
  public String channel() {
    return channel;
  }

  /** The payload; "" when none was given (PostgreSQL's rule, also for a NULL payload). */
  public String payload() {
    return payload;
  }

  /** Process id of the session that sent it (the connection's {@code getBackendPID()}). */
  public int senderPid() {
    return senderPid;
  }

  /** Position in this database's delivery order; increases with every notification delivered. */
  public long sequence() {
    return sequence;
  }

  /** True for the marker that reports dropped notifications. */
  public boolean isOverflow() {
    return dropped > 0;
  }

  /** How many notifications were dropped where this marker stands; 0 for a notification. */
  public long droppedCount() {
    return dropped;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Notification n
        && senderPid == n.senderPid
        && sequence == n.sequence
        && dropped == n.dropped
        && Objects.equals(channel, n.channel)
        && Objects.equals(payload, n.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(channel, payload, senderPid, sequence, dropped);
  }

  @Override
  public String toString() {
    return isOverflow()
        ? "Notification{overflow, dropped=" + dropped + "}"
        : "Notification{channel="
            + channel
            + ", payload="
            + payload
            + ", senderPid="
            + senderPid
            + ", sequence="
            + sequence
            + "}";
  }
}
