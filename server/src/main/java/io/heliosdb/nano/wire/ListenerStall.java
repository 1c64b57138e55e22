package io.heliosdb.nano.wire;

import io.heliosdb.nano.config.Durations;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * listener_stall_timeout for one session: notices when its notification queue overflows while its
 * client reads nothing (the channel stays above its high-water mark), and reports a stall when the
 * client has still not read enough to bring the channel below its low-water mark a timeout later.
 *
 * <p>The queue says when it drops (it is full in notifications or in bytes). It counts the
 * notifications signalled for the session and not yet taken from its queue (each one is either in
 * the queue or counted as dropped): what is lost when the session ends, dropped, or queued and
 * never sent.
 */
final class ListenerStall {
  private final Channel channel;
  private final long timeoutMillis;
  private final int capacity;
  private final long byteCapacity;
  private final BooleanSupplier overflowing;
  private final Runnable stalled;
  private final AtomicLong pending = new AtomicLong();
  private final AtomicBoolean watching = new AtomicBoolean();

  private ScheduledFuture<?> timer; // event loop only

  /**
   * @param timeoutMillis listener_stall_timeout; 0: never report a stall
   * @param capacity notification_queue_size, for the message
   * @param byteCapacity notification_queue_bytes, for the message
   * @param overflowing whether the session's queue has dropped notifications not reported yet (the
   *     publisher's thread, under the hub's lock: quick)
   * @param stalled run on the event loop when the stall has lasted the timeout, to end the session
   *     with FATAL; the connection is closed when that is sent, or one more timeout later when the
   *     client still reads nothing
   */
  ListenerStall(
      Channel channel,
      long timeoutMillis,
      int capacity,
      long byteCapacity,
      BooleanSupplier overflowing,
      Runnable stalled) {
    this.channel = channel;
    this.timeoutMillis = timeoutMillis;
    this.capacity = capacity;
    this.byteCapacity = byteCapacity;
    this.overflowing = overflowing;
    this.stalled = stalled;
  }

  /** A notification was queued for the session or dropped (the publisher's thread; quick). */
  void arrived() {
    pending.incrementAndGet();
    if (timeoutMillis > 0
        && !channel.isWritable()
        && overflowing.getAsBoolean()
        && watching.compareAndSet(false, true)) {
      channel.eventLoop().execute(this::start);
    }
  }

  /** The session took {@code count} notifications from its queue, dropped ones included. */
  void taken(long count) {
    pending.addAndGet(-count);
  }

  /** Notifications signalled and not taken: dropped, or waiting in the queue. */
  long undelivered() {
    return Math.max(0, pending.get());
  }

  /** What the client is told when its session ends. */
  String fatalMessage() {
    String after = Durations.format(Duration.ofMillis(timeoutMillis));
    return "terminating connection because the client read no notifications for "
        + after
        + " while its queue was full (listener_stall_timeout = "
        + after
        + ", notification_queue_size = "
        + capacity
        + ", notification_queue_bytes = "
        + byteCapacity
        + "): "
        + undelivered()
        + " notifications were dropped";
  }

  /** The channel became writable (event loop): the client reads, no stall. */
  void writable() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    watching.set(false);
  }

  private void start() {
    if (channel.isWritable() || !channel.isActive()) {
      watching.set(false);
      return;
    }
    if (timer == null) {
      timer = channel.eventLoop().schedule(this::expire, timeoutMillis, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * After the stall (event loop): closes the connection a timeout later if the client still reads
   * nothing; while it reads, the FATAL on its way closes it once sent.
   */
  private void closeUnlessReading() {
    channel
        .eventLoop()
        .schedule(
            () -> {
              if (!channel.isWritable()) {
                channel.close();
              } else if (channel.isActive()) {
                closeUnlessReading();
              }
            },
            timeoutMillis,
            TimeUnit.MILLISECONDS);
  }

  private void expire() {
    timer = null;
    if (!channel.isWritable() && channel.isActive()) {
      closeUnlessReading();
      stalled.run();
    } else {
      watching.set(false);
    }
  }
}
