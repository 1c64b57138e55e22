package io.heliosdb.nano.bench;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the HTTP gateway told its clients they lost: each {@code event: overflow} (SSE) or {@code
 * {"op":"overflow"}} (WebSocket) and the {@code dropped} count it carries, summed over all clients;
 * written by the pool's selector threads.
 */
final class OverflowLog {
  private final LongAdder reports = new LongAdder();
  private final LongAdder dropped = new LongAdder();

  void overflow(long droppedCount) {
    reports.increment();
    dropped.add(droppedCount);
  }

  long reports() {
    return reports.sum();
  }

  long dropped() {
    return dropped.sum();
  }
}
