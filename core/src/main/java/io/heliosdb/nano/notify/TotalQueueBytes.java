package io.heliosdb.nano.notify;

import java.util.concurrent.atomic.AtomicLong;

/**
 * notification_queue_total_bytes: what the mailboxes of one hub may hold together, in {@link
 * Mailbox#bytesOf} bytes, as one shared counter. The hub's publisher adds under the hub's lock (one
 * producer: a check stays true until the add), readers subtract. With no bound nothing is counted:
 * a counter that every subscriber's reader touches costs fan-out more than the bound is worth when
 * nobody asked for it.
 */
final class TotalQueueBytes {
  private final long capacity;
  private final AtomicLong queued = new AtomicLong();

  /**
   * @param capacity the bound, 0 for none
   */
  TotalQueueBytes(long capacity) {
    this.capacity = capacity;
  }

  /** Whether {@code bytes} more fit. */
  boolean fits(long bytes) {
    return capacity == 0 || queued.get() + bytes <= capacity;
  }

  /** A mailbox queued ({@code delta > 0}) or gave up bytes. */
  void add(long delta) {
    if (capacity != 0) {
      queued.addAndGet(delta);
    }
  }

  /** The bytes queued in all mailboxes; 0 when there is no bound. */
  long queued() {
    return queued.get();
  }
}
