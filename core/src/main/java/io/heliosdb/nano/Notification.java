package io.heliosdb.nano;

import io.heliosdb.nano.notify.Message;
import java.util.Objects;

/**
 * A notification delivered to a subscriber, or a marker: an overflow marker stands where
 * notifications were dropped because the subscriber's queue was full; a reset marker says that a
 * resume could not start where asked. Shaped like pgjdbc's {@code PGNotification}: channel (name),
 * payload (parameter) and sender process id.
 */
public final class Notification {
  private final String channel;
  private final String payload;
  private final int senderPid;
  private final long sequence;
  private final long dropped;
  private final long id;
  private final boolean reset;
  private final String origin;

  private Notification(
      String channel,
      String payload,
      int senderPid,
      long sequence,
      long dropped,
      long id,
      boolean reset,
      String origin) {
    this.channel = channel;
    this.payload = payload;
    this.senderPid = senderPid;
    this.sequence = sequence;
    this.dropped = dropped;
    this.id = id;
    this.reset = reset;
    this.origin = origin;
  }

  static Notification of(Message m) {
    return m == null
        ? null
        : new Notification(
            m.channel(),
            m.payload(),
            m.senderPid(),
            m.sequence(),
            m.dropped(),
            m.id(),
            false,
            m.origin());
  }

  /** A notification read back from the durable log (replay). */
  static Notification replayed(
      String channel, String payload, int senderPid, long id, String origin) {
    return new Notification(channel, payload, senderPid, 0, 0, id, false, origin);
  }

  /** The marker that a resume restarts at {@code id}: what came between is no longer kept. */
  static Notification reset(long id) {
    return new Notification(null, null, 0, 0, 0, id, true, null);
  }

  /** The channel, or null for a marker. */
  public String channel() {
    return channel;
  }

  /** The payload; "" when none was given (PostgreSQL's rule, also for a NULL payload). */
  public String payload() {
    return payload;
  }

  /**
   * The name of the node that committed it ([edge] device_id, else the host's name; see {@code
   * HeliosConfig.nodeName()}): this node's own name for a notification committed here, the other
   * node's for one received through federation (docs/federation.md). Null for a marker.
   */
  public String origin() {
    return origin;
  }

  /**
   * Process id of the session that sent it (the connection's {@code getBackendPID()}); for a
   * notification from another node, the process id there.
   */
  public int senderPid() {
    return senderPid;
  }

  /**
   * Position in this process's live delivery order; increases with every notification delivered
   * live. 0 for one replayed from the durable log.
   */
  public long sequence() {
    return sequence;
  }

  /**
   * On a durable channel, the notification's id in the durable log: it increases in commit order,
   * across processes, and is what {@link SubscribeOptions#fromId} resumes after. 0 on other
   * channels. For a reset marker, the id the stream continues after.
   */
  public long id() {
    return id;
  }

  /** True for the marker that reports dropped notifications. */
  public boolean isOverflow() {
    return dropped > 0;
  }

  /** How many notifications were dropped where this marker stands; 0 for a notification. */
  public long droppedCount() {
    return dropped;
  }

  /**
   * True for the marker that a resume could not start where asked (the id is older than the
   * retention keeps, or unknown to this database): notifications after the asked id and up to
   * {@link #id()} are not delivered.
   */
  public boolean isReset() {
    return reset;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Notification n
        && senderPid == n.senderPid
        && sequence == n.sequence
        && dropped == n.dropped
        && id == n.id
        && reset == n.reset
        && Objects.equals(origin, n.origin)
        && Objects.equals(channel, n.channel)
        && Objects.equals(payload, n.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(channel, payload, senderPid, sequence, dropped, id, reset, origin);
  }

  @Override
  public String toString() {
    if (isOverflow()) {
      return "Notification{overflow, dropped=" + dropped + "}";
    }
    if (reset) {
      return "Notification{reset, continues after id=" + id + "}";
    }
    return "Notification{channel="
        + channel
        + ", payload="
        + payload
        + ", senderPid="
        + senderPid
        + (origin != null ? ", origin=" + origin : "")
        + ", sequence="
        + sequence
        + (id > 0 ? ", id=" + id : "")
        + "}";
  }
}
