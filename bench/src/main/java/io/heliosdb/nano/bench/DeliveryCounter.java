package io.heliosdb.nano.bench;

import io.heliosdb.nano.Notification;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Counts what subscribers receive: notifications, and the drops that overflow markers report. One
 * thread at a time may call {@link #accept} (a drain thread, a single-thread executor, or the
 * publisher itself with a direct executor); any thread may read.
 */
final class DeliveryCounter implements Consumer<Notification> {
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  @Override
  public void accept(Notification n) {
    if (n.isOverflow()) {
      dropped.addAndGet(n.droppedCount());
    } else {
      countOne();
    }
  }

  /** One delivery. */
  void countOne() {
    // One writer: a release store is enough and, unlike incrementAndGet, costs no locked op.
    delivered.lazySet(delivered.get() + 1);
  }

  long delivered() {
    return delivered.get();
  }

  long dropped() {
    return dropped.get();
  }

  /** Everything accounted for: delivered or reported as dropped. */
  long received() {
    return delivered.get() + dropped.get();
  }

  /**
   * Holds a publisher until subscribers are at most {@code maxLag} deliveries behind {@code
   * expected}, so that a run measures sustained delivery rather than how fast full queues drop.
   */
  void awaitLagBelow(long expected, long maxLag) {
    long deadline = 0;
    while (expected - received() > maxLag) {
      // Yield rather than spin: on 2 cores the consumer may need this core to catch up.
      Thread.yield();
      if (deadline == 0) {
        deadline = System.nanoTime() + 10_000_000_000L;
      } else if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "subscribers stalled: " + received() + " of " + expected + " received");
      }
    }
  }
}
