package io.heliosdb.nano.notify;

import io.heliosdb.nano.metrics.MetricsTracker;
import io.heliosdb.nano.metrics.MetricsTracker.DropReason;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded queue of one subscriber. The hub never blocks on it: when it is full, the
 * notification is dropped and counted, and the subscriber later receives one overflow marker with
 * the count, in the place where the gap is. Memory stays bounded by the capacity.
 *
 * <p>In push mode a listener runs on the caller's executor, one notification at a time, in order.
 */
public final class Mailbox {
  private static final Logger log = LoggerFactory.getLogger(Mailbox.class);

  private final Hub hub;
  private final int capacity;
  private final LinkedBlockingQueue<Message> queue;
  private final AtomicLong droppedPending = new AtomicLong();
  private final MetricsTracker metrics;
  private final Consumer<Message> listener;
  private final Executor executor;
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private volatile boolean closed;

  /** Channels this mailbox listens to; guarded by the hub's lock. */
  final Set<String> channels = new HashSet<>(4);

  Mailbox(Hub hub, int capacity, Consumer<Message> listener, Executor executor) {
    this.hub = hub;
    this.capacity = capacity;
    this.queue = new LinkedBlockingQueue<>(capacity);
    this.metrics = hub.metrics();
    this.listener = listener;
    this.executor = executor;
  }

  /**
   * Called by the hub, under its lock (so there is one producer). Never blocks. After a drop, the
   * next notification goes in only together with the overflow marker before it, so that one marker
   * covers one gap.
   */
  void offer(Message m) {
    if (closed) {
      return;
    }
    long dropped = droppedPending.get();
    boolean accepted;
    if (dropped > 0 && queue.remainingCapacity() >= 2) {
      dropped = droppedPending.getAndSet(0);
      if (dropped > 0) {
        queue.offer(Message.overflow(dropped));
      }
      accepted = queue.offer(m);
    } else {
      accepted = dropped == 0 && queue.offer(m);
    }
    if (!accepted) {
      droppedPending.incrementAndGet();
      metrics.notificationsDropped(DropReason.QUEUE_FULL, 1);
    }
    if (listener != null) {
      scheduleDrain();
    }
  }

  /** The next notification or overflow marker, or null when there is none. */
  public Message poll() {
    return delivered(queue.poll());
  }

  /** Waits up to the timeout; null when nothing arrived or the mailbox was closed. */
  public Message poll(long timeout, TimeUnit unit) throws InterruptedException {
    Message m = queue.poll();
    if (m == null && !closed) {
      m = queue.poll(timeout, unit);
    }
    return delivered(m);
  }

  private Message delivered(Message m) {
    if (m == null) {
      long d = droppedPending.getAndSet(0);
      return d > 0 ? Message.overflow(d) : null;
    }
    if (m == Hub.CLOSED) {
      return null;
    }
    if (!m.isOverflow()) {
      metrics.notificationDelivered(System.nanoTime() - m.committedNanos());
    }
    return m;
  }

  public int size() {
    return queue.size();
  }

  public int capacity() {
    return capacity;
  }

  /** Fraction of the capacity in use. */
  double usage() {
    return (double) queue.size() / capacity;
  }

  public boolean isClosed() {
    return closed;
  }

  /** Stops delivery; waiting pollers wake up with null. Undelivered notifications are counted. */
  void markClosed() {
    if (closed) {
      return;
    }
    closed = true;
    int left = queue.size();
    queue.clear();
    if (left > 0) {
      metrics.notificationsDropped(DropReason.SUBSCRIBER_CLOSED, left);
    }
    queue.offer(Hub.CLOSED);
  }

  /** Unsubscribes from everything and closes. */
  public void close() {
    hub.remove(this);
  }

  private void scheduleDrain() {
    if (drainScheduled.compareAndSet(false, true)) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        drainScheduled.set(false);
        log.warn("listener executor rejected delivery; notifications stay queued", e);
      }
    }
  }

  private void drain() {
    try {
      Message m;
      while (!closed && (m = poll()) != null) {
        try {
          listener.accept(m);
        } catch (RuntimeException e) {
          log.warn("notification listener threw; delivery continues", e);
        }
      }
    } finally {
      drainScheduled.set(false);
    }
    if (!closed && (!queue.isEmpty() || droppedPending.get() > 0)) {
      scheduleDrain();
    }
  }
}
