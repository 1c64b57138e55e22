package io.heliosdb.nano.notify;

import io.heliosdb.nano.metrics.MetricsTracker;
import io.heliosdb.nano.metrics.MetricsTracker.DropReason;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded queue of one subscriber. The hub never blocks on it: when it is full, the
 * notification is dropped and counted, and the subscriber later receives one overflow marker with
 * the count, in the place where the gap is. Full means: {@code capacity} notifications
 * (notification_queue_size), or {@code byteCapacity} bytes of them as {@link #bytesOf} estimates
 * (notification_queue_bytes), or, when the hub bounds them, the bytes of every mailbox of the hub
 * together (notification_queue_total_bytes). The count alone let one subscriber that never reads
 * hold 65,536 payloads of 8 KB, half a gigabyte; the bytes bound the memory.
 *
 * <p>In push mode a listener runs on the caller's executor, one notification at a time, in order.
 *
 * <p>The queue is lock-free ({@link ConcurrentLinkedQueue} and {@link QueueCounts} for the bound):
 * the hub offers with one CAS and takes the lock only to wake a poller that is waiting. A {@code
 * LinkedBlockingQueue} took two locks per hand-over and held fan-out well below target.
 */
public final class Mailbox {
  private static final Logger log = LoggerFactory.getLogger(Mailbox.class);

  /** A queued entry without its strings: the queue's node (24 bytes) and the record (56). */
  static final int ENTRY_BYTES = 80;

  /** A string without its characters: the String (24 bytes) and its array's header (16). */
  static final int STRING_BYTES = 40;

  private final Hub hub;

  /** This mailbox's number in its hub, from 1: the subscriber's name in the verbose log. */
  private final int id;

  /** The session that reads this mailbox, 0 for a subscription of the Java API. */
  private volatile int ownerPid;

  /** verbose_logging: tested before anything else is done for it. */
  private final boolean verbose;

  private final TotalQueueBytes total;
  private final int capacity;
  private final long byteCapacity;
  private final ConcurrentLinkedQueue<Message> queue = new ConcurrentLinkedQueue<>();

  /** The entries and bytes queued, as the hub's and the readers' running totals. */
  private final QueueCounts counts = new QueueCounts();

  private final ReentrantLock waitLock = new ReentrantLock();
  private final Condition arrived = waitLock.newCondition();

  /** Pollers waiting in {@link #poll(long, TimeUnit)}; changed only under {@link #waitLock}. */
  private volatile int waiters;

  /**
   * A wake-up is on its way to the pollers: later offers need not send another. A commit of 100
   * notifications then costs one wake-up, not 100 (each an unpark, a system call). Cleared by the
   * poller under the lock each time before it looks at the queue again.
   */
  private final AtomicBoolean wakePending = new AtomicBoolean();

  private final AtomicLong droppedPending = new AtomicLong();
  private final MetricsTracker metrics;
  private final Consumer<Message> listener;
  private final Executor executor;
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private volatile boolean closed;

  /** Run after each offer to a polled mailbox (see {@link #setArrivalSignal}); may be null. */
  private volatile Runnable arrivalSignal;

  /** Channels this mailbox listens to; guarded by the hub's lock. */
  final ChannelSet channels = new ChannelSet();

  Mailbox(
      Hub hub,
      int id,
      int capacity,
      long byteCapacity,
      Consumer<Message> listener,
      Executor executor) {
    this.hub = hub;
    this.id = id;
    this.verbose = hub.notificationLog.on;
    this.total = hub.totalQueueBytes;
    // Within what the running totals tell apart.
    this.capacity = Math.min(capacity, QueueCounts.MAX_ENTRIES);
    this.byteCapacity = Math.min(byteCapacity, QueueCounts.MAX_BYTES);
    this.metrics = hub.metrics();
    this.listener = listener;
    this.executor = executor;
  }

  /**
   * Called by the hub, under its lock (so there is one producer, and the bounds checked stay true
   * until the entry is in: consumers only take). Never blocks. After a drop, the next notification
   * goes in only together with the overflow marker before it, so that one marker covers one gap.
   */
  void offer(Message m) {
    if (closed) {
      return;
    }
    long size = bytesOf(m);
    DropReason full;
    if (droppedPending.get() == 0) {
      full = fullFor(1, size);
      if (full == null) {
        enqueue(m, size);
      }
    } else {
      full = fullFor(2, size + ENTRY_BYTES);
      if (full == null) {
        long dropped = droppedPending.getAndSet(0);
        if (dropped > 0) { // else a poller took the gap as a marker of its own meanwhile
          enqueue(Message.overflow(dropped), ENTRY_BYTES);
        }
        enqueue(m, size);
      }
    }
    if (full != null) {
      droppedPending.incrementAndGet();
      metrics.notificationsDropped(full, 1);
    }
    wakeConsumer();
  }

  /** Why {@code entries} more entries of {@code size} bytes in all do not fit; null if they do. */
  private DropReason fullFor(int entries, long size) {
    switch (counts.fits(entries, size, capacity, byteCapacity)) {
      case ENTRIES:
        return DropReason.QUEUE_FULL;
      case BYTES:
        return DropReason.QUEUE_BYTES;
      default:
        return total.fits(size) ? null : DropReason.TOTAL_QUEUE_BYTES;
    }
  }

  /**
   * What a queued message holds on the heap, at most: the queue's node, the record, and its two
   * strings at two bytes a character (a string of Latin-1 text takes one). A message fanned out to
   * several mailboxes is one object, counted in each: the bound is what one subscriber can hold.
   */
  static long bytesOf(Message m) {
    long b = ENTRY_BYTES;
    if (m.channel() != null) {
      b += STRING_BYTES + 2L * m.channel().length();
    }
    if (m.payload() != null) {
      b += STRING_BYTES + 2L * m.payload().length();
    }
    return b;
  }

  /**
   * Called by the hub, under its lock: {@code count} notifications for this mailbox were lost
   * before it could offer them; the consumer gets an overflow marker for them.
   */
  void markDropped(long count) {
    if (closed) {
      return;
    }
    droppedPending.addAndGet(count);
    metrics.notificationsDropped(DropReason.RELAY_BEHIND, count);
    wakeConsumer();
  }

  private void wakeConsumer() {
    if (listener != null) {
      scheduleDrain();
    } else {
      if (waiters > 0 && !wakePending.get() && wakePending.compareAndSet(false, true)) {
        // Volatile write of the queue, then volatile read of waiters; the poller does the
        // reverse, so one of the two always sees the other and no wake-up is lost.
        wakePollers();
      }
      signalArrival();
    }
  }

  /**
   * Sets a callback run on the publishing thread, under the hub's lock, after each notification (or
   * drop) for this mailbox: for an event loop that polls when told. It must be quick and must not
   * block or call back into the hub.
   */
  public void setArrivalSignal(Runnable signal) {
    this.arrivalSignal = signal;
  }

  private void signalArrival() {
    Runnable signal = arrivalSignal;
    if (signal != null) {
      try {
        signal.run();
      } catch (RuntimeException e) {
        log.warn("notification arrival signal threw; delivery continues", e);
      }
    }
  }

  /** Queues an entry that fits: counted first, so that a consumer never sees it uncounted. */
  private void enqueue(Message m, long size) {
    counts.offered(size);
    total.add(size);
    queue.offer(m);
  }

  private Message dequeue() {
    Message m = queue.poll();
    if (m != null) {
      long size = bytesOf(m);
      counts.taken(size);
      total.add(-size);
    }
    return m;
  }

  private void wakePollers() {
    waitLock.lock();
    try {
      arrived.signalAll();
    } finally {
      waitLock.unlock();
    }
  }

  /** The next notification or overflow marker, or null when there is none. */
  public Message poll() {
    return delivered(dequeue());
  }

  /** Waits up to the timeout; null when nothing arrived or the mailbox was closed. */
  public Message poll(long timeout, TimeUnit unit) throws InterruptedException {
    Message m = dequeue();
    if (m != null || closed || droppedPending.get() > 0) {
      return delivered(m);
    }
    long nanos = unit.toNanos(timeout);
    waitLock.lockInterruptibly();
    try {
      waiters++;
      try {
        wakePending.set(false);
        while ((m = dequeue()) == null && !closed && droppedPending.get() == 0 && nanos > 0) {
          nanos = arrived.awaitNanos(nanos);
          wakePending.set(false);
        }
      } finally {
        waiters--;
      }
    } finally {
      waitLock.unlock();
    }
    return delivered(m);
  }

  private Message delivered(Message m) {
    if (m == null) {
      if (droppedPending.get() == 0) {
        return null; // a read first: a reader spinning on an empty queue writes nothing shared
      }
      long d = droppedPending.getAndSet(0);
      m = d > 0 && !closed ? Message.overflow(d) : null;
      if (verbose && m != null) {
        hub.notificationLog.delivered(this, m);
      }
      return m;
    }
    if (!m.isOverflow() && metrics != MetricsTracker.NOOP) {
      metrics.notificationDelivered(System.nanoTime() - m.committedNanos());
    }
    if (verbose) {
      hub.notificationLog.delivered(this, m);
    }
    return m;
  }

  /**
   * Names the session that reads this mailbox in the verbose log ({@code pid:N}); without it, the
   * mailbox is {@code subscription:N}, N its number in the hub.
   */
  public void setOwnerPid(int pid) {
    this.ownerPid = pid;
  }

  /** This subscriber's name in the verbose log. */
  String subscriber() {
    int pid = ownerPid;
    return pid != 0 ? "pid:" + pid : "subscription:" + id;
  }

  public int size() {
    return counts.entries();
  }

  public int capacity() {
    return capacity;
  }

  /** {@link #bytesOf} the notifications queued. */
  public long queuedBytes() {
    return counts.bytes();
  }

  public long byteCapacity() {
    return byteCapacity;
  }

  /**
   * Whether notifications were dropped that no queued overflow marker reports yet: from a drop
   * until the queue has room for the marker and the next notification, or until a reader takes the
   * marker from an emptied queue. While nobody reads, it stays true from the first drop on.
   */
  public boolean isOverflowing() {
    return droppedPending.get() > 0;
  }

  /** Fraction of the capacity in use, in notifications or in bytes, whichever is more. */
  double usage() {
    return Math.max((double) counts.entries() / capacity, (double) counts.bytes() / byteCapacity);
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
    int left = 0;
    while (dequeue() != null) {
      left++;
    }
    if (left > 0) {
      metrics.notificationsDropped(DropReason.SUBSCRIBER_CLOSED, left);
    }
    wakePollers();
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
    if (!closed && (counts.entries() > 0 || droppedPending.get() > 0)) {
      scheduleDrain();
    }
  }
}
