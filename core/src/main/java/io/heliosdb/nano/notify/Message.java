package io.heliosdb.nano.notify;

/**
 * One delivered notification, shared by every mailbox it fans out to. An overflow marker has {@code
 * dropped > 0}, no channel, and stands where the lost notifications would have been.
 *
 * @param sequence position in this database's delivery order, starting at 1
 * @param committedNanos {@link System#nanoTime()} when the hub released it
 */
public record Message(
    String channel,
    String payload,
    int senderPid,
    long sequence,
    long committedNanos,
    long dropped) {

  static Message overflow(long dropped) {
    return new Message(null, null, 0, 0, System.nanoTime(), dropped);
  }

  public boolean isOverflow() {
    return dropped > 0;
  }
}
