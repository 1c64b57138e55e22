package io.heliosdb.nano.http;

import io.heliosdb.nano.Notification;
import io.heliosdb.nano.Subscription;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a subscription's notifications to a connection without a thread of its own, for event
 * streams and WebSockets alike. The subscription signals arrivals; a drain then takes notifications
 * from its bounded queue while the channel is writable (below Netty's high-water mark) and stops
 * when it is not, so a client that reads slowly holds at most the queue (bounded in notifications
 * and bytes) and the channel's buffer with one batch beyond its high-water mark: further
 * notifications are dropped by the queue and reported to it as an overflow. A client whose queue
 * overflowed and that still reads nothing for the stall timeout is disconnected.
 *
 * <p>Live subscriptions drain on the channel's event loop; a resuming one drains on a worker, since
 * its replay reads the durable log.
 */
final class NotificationPump {
  private static final Logger log = LoggerFactory.getLogger(NotificationPump.class);

  /** How notifications become what the connection writes. */
  interface Framer {
    /** Appends {@code n} to {@code out} (or nothing, to skip it). */
    void append(ByteBuf out, Notification n);

    /** The message that carries {@code content} (an HTTP chunk, a WebSocket frame). */
    Object frame(ByteBuf content);
  }

  private final Channel channel;
  private final Subscription sub;
  private final Framer framer;
  private final int batchBytes;
  private final long stallMillis;
  private final Executor drainExecutor;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicBoolean pending = new AtomicBoolean();
  private final AtomicBoolean stallWatch = new AtomicBoolean();
  private final Runnable drainTask = this::drain;

  // event loop only
  private ScheduledFuture<?> stallTimer;

  /**
   * @param batchBytes write a message once this much is encoded (1: one per notification)
   * @param stallMillis how long a client whose queue overflowed may read nothing; 0: for ever
   * @param drainExecutor the event loop for a live subscription, a worker pool for a resuming one
   */
  NotificationPump(
      Channel channel,
      Subscription sub,
      Framer framer,
      int batchBytes,
      long stallMillis,
      Executor drainExecutor) {
    this.channel = channel;
    this.sub = sub;
    this.framer = framer;
    this.batchBytes = batchBytes;
    this.stallMillis = stallMillis;
    this.drainExecutor = drainExecutor;
  }

  Subscription subscription() {
    return sub;
  }

  /** Starts moving: the replay, what is queued, and what arrives from now on. */
  void start() {
    sub.onNotification(this::arrived);
    signal();
  }

  /** A notification was queued or dropped (the publisher's thread, under the hub's lock: quick). */
  private void arrived() {
    if (channel.isWritable()) {
      signal();
      return;
    }
    pending.set(true);
    if (stallMillis > 0 && sub.isOverflowing() && stallWatch.compareAndSet(false, true)) {
      channel.eventLoop().execute(this::watchStall);
    }
  }

  private void signal() {
    pending.set(true);
    if (scheduled.compareAndSet(false, true)) {
      drainExecutor.execute(drainTask);
    }
  }

  private void drain() {
    try {
      while (pending.getAndSet(false)) {
        drainWhileWritable();
      }
    } catch (RuntimeException e) {
      if (channel.isActive() && !sub.isClosed()) { // else it closed under the drain: no matter
        log.warn("closing a connection after a failure to read its notifications", e);
        channel.close();
      }
    } finally {
      scheduled.set(false);
    }
    if (pending.get() && channel.isWritable() && scheduled.compareAndSet(false, true)) {
      drainExecutor.execute(drainTask);
    }
  }

  private void drainWhileWritable() {
    ByteBuf batch = null;
    while (channel.isActive() && channel.isWritable()) {
      Notification n = sub.poll();
      if (n == null) {
        break;
      }
      if (batch == null) {
        batch = channel.alloc().buffer(256);
      }
      framer.append(batch, n);
      if (batch.readableBytes() >= batchBytes) {
        channel.write(framer.frame(batch));
        batch = null;
      }
    }
    if (batch != null && batch.isReadable()) {
      channel.write(framer.frame(batch));
    } else if (batch != null) {
      batch.release();
    }
    channel.flush();
  }

  /** The channel's writability changed (event loop). */
  void writabilityChanged() {
    if (channel.isWritable()) {
      if (stallTimer != null) {
        stallTimer.cancel(false);
        stallTimer = null;
      }
      stallWatch.set(false);
      signal();
    }
  }

  private void watchStall() {
    if (channel.isWritable() || !channel.isActive()) {
      stallWatch.set(false);
      return;
    }
    if (stallTimer == null) {
      stallTimer =
          channel.eventLoop().schedule(this::stallExpired, stallMillis, TimeUnit.MILLISECONDS);
    }
  }

  private void stallExpired() {
    stallTimer = null;
    if (!channel.isWritable() && channel.isActive()) {
      log.info(
          "closing the connection of {}: its client read nothing for {} ms while its queue was"
              + " full",
          channel.remoteAddress(),
          stallMillis);
      channel.close();
    } else {
      stallWatch.set(false);
    }
  }

  /** Stops moving and closes the subscription (event loop). */
  void close() {
    if (stallTimer != null) {
      stallTimer.cancel(false);
      stallTimer = null;
    }
    sub.onNotification(null);
    sub.close();
  }
}
