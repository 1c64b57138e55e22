package io.heliosdb.nano.notify;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What one mailbox holds, in entries and {@link Mailbox#bytesOf} bytes, kept as two running totals
 * on separate cache lines: what the hub ever offered (written by the hub alone, under its lock) and
 * what readers ever took. One shared counter, raised by the hub and lowered by the reader, moved
 * its cache line between the two threads twice per notification; that was most of a hand-over's
 * cost. The hub compares against its last reading of the taken total and reads it again only when
 * that reading says the queue is full, so a reader that keeps up is never waited on.
 *
 * <p>Each total packs the entries (the high {@code 64 - COUNT_SHIFT} bits) and the bytes (the low
 * {@code COUNT_SHIFT}) in one word, each field counting modulo its width: the difference of the two
 * totals is exact as long as a queue holds fewer than 2^25 entries and 2^39 bytes, which the
 * capacities guarantee ({@link #MAX_ENTRIES}, {@link #MAX_BYTES}).
 */
final class QueueCounts {
  private static final int COUNT_SHIFT = 39;
  private static final long COUNT_MASK = (1L << (64 - COUNT_SHIFT)) - 1;

  /** The most bytes a queue may be bounded to. */
  static final long MAX_BYTES = (1L << COUNT_SHIFT) - 1;

  /** The most entries a queue may be bounded to (notification_queue_size allows 2^24). */
  static final int MAX_ENTRIES = (int) COUNT_MASK;

  /** Slots 128 bytes apart, so that the hub's and the readers' totals share no cache line. */
  private static final int OFFERED = 16;

  private static final int TAKEN = 32;

  private final AtomicLongArray totals = new AtomicLongArray(48);

  /** The hub's last reading of the taken total; only touched under the hub's lock. */
  private long takenSeen;

  /**
   * Called by the hub, under its lock: whether {@code entries} more entries of {@code bytes} in all
   * fit within {@code capacity} entries and {@code byteCapacity} bytes; {@link Fit#ENTRIES} or
   * {@link Fit#BYTES} says which bound they would pass.
   */
  Fit fits(int entries, long bytes, int capacity, long byteCapacity) {
    long offered = totals.getPlain(OFFERED);
    Fit fit = fit(offered, takenSeen, entries, bytes, capacity, byteCapacity);
    if (fit != Fit.YES) {
      takenSeen = totals.get(TAKEN);
      fit = fit(offered, takenSeen, entries, bytes, capacity, byteCapacity);
    }
    return fit;
  }

  /** Called by the hub, under its lock, before the entry is queued. */
  void offered(long bytes) {
    totals.setRelease(OFFERED, plus(totals.getPlain(OFFERED), bytes));
  }

  /** Called by a reader after it took an entry of {@code bytes} from the queue. */
  void taken(long bytes) {
    long now;
    do {
      now = totals.get(TAKEN);
    } while (!totals.weakCompareAndSetVolatile(TAKEN, now, plus(now, bytes)));
  }

  /** The entries queued now; never below what the queue holds. */
  int entries() {
    long taken = totals.get(TAKEN); // first: read after it, the offered total is never smaller
    return (int) entries(totals.get(OFFERED), taken);
  }

  /** The bytes queued now. */
  long bytes() {
    long taken = totals.get(TAKEN);
    return bytes(totals.get(OFFERED), taken);
  }

  enum Fit {
    YES,
    ENTRIES,
    BYTES
  }

  private static Fit fit(
      long offered, long taken, int entries, long bytes, int capacity, long byteCapacity) {
    if (entries(offered, taken) + entries > capacity) {
      return Fit.ENTRIES;
    }
    if (bytes(offered, taken) + bytes > byteCapacity) {
      return Fit.BYTES;
    }
    return Fit.YES;
  }

  /** One entry of {@code bytes} more, each field wrapping within its own width. */
  private static long plus(long total, long bytes) {
    long count = ((total >>> COUNT_SHIFT) + 1) & COUNT_MASK;
    return (count << COUNT_SHIFT) | ((total + bytes) & MAX_BYTES);
  }

  private static long entries(long offered, long taken) {
    return ((offered >>> COUNT_SHIFT) - (taken >>> COUNT_SHIFT)) & COUNT_MASK;
  }

  private static long bytes(long offered, long taken) {
    return (offered - taken) & MAX_BYTES;
  }
}
