package io.heliosdb.nano.notify;

/**
 * One delivered notification, shared by every mailbox it fans out to. An overflow marker has {@code
 * dropped > 0}, no channel, and stands where the lost notifications would have been.
 *
 * @param sequence position in this database's delivery order, starting at 1
 * @param committedNanos {@link System#nanoTime()} when the hub released it
 * @param id the row id in the durable log, 0 for a notification on a non-durable channel
 * @param origin the name of the node that committed it; null for an overflow marker
 */
public record Message(
    String channel,
    String payload,
    int senderPid,
    long sequence,
    long committedNanos,
    long dropped,
    long id,
    String origin) {

  static Message overflow(long dropped) {
    return new Message(null, null, 0, 0, System.nanoTime(), dropped, 0, null);
  }

  public boolean isOverflow() {
    return dropped > 0;
  }
}
