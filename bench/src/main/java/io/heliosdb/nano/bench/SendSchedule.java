package io.heliosdb.nano.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * When a harness's publisher sends: from {@code start} until {@code end}, at a fixed interval (the
 * slots follow one another from {@code start}, so a late send does not shift the later ones), or as
 * often as asked with interval 0.
 */
final class SendSchedule {
  private final long end;
  private final long intervalNanos;
  private long next;

  /**
   * @param intervalNanos between sends; 0: no wait
   */
  SendSchedule(long start, long end, long intervalNanos) {
    this.end = end;
    this.intervalNanos = intervalNanos;
    this.next = start;
  }

  /** Waits for the next slot; false once {@code end} has come. */
  boolean awaitNext() {
    while (true) {
      long now = System.nanoTime();
      if (now >= end) {
        return false;
      }
      if (intervalNanos == 0) {
        return true;
      }
      if (now >= next) {
        next += intervalNanos;
        return true;
      }
      LockSupport.parkNanos(next - now);
    }
  }
}
