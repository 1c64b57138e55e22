package io.heliosdb.nano.engine;

/**
 * Something a transaction asked for that takes effect only if it commits: a notification, or a
 * change to the connection's LISTEN set. {@code seq} is the connection's own counter; it never
 * repeats, even when SQLite rolls work back. {@code durableId} is the row id in the durable log for
 * a notification on a durable channel, else 0.
 */
public record PendingEntry(long seq, Kind kind, String channel, String payload, long durableId) {

  /** What the entry does at commit. */
  public enum Kind {
    NOTIFY,
    LISTEN,
    UNLISTEN,
    UNLISTEN_ALL
  }
}
