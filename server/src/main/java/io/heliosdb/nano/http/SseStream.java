package io.heliosdb.nano.http;

import io.heliosdb.nano.Notification;
import io.heliosdb.nano.Subscription;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Server-Sent Events stream: a subscription whose notifications are written to the channel as
 * events, without a thread of its own. The subscription signals arrivals; a drain then takes
 * notifications from its bounded queue while the channel is writable (below Netty's high-water
 * mark) and stops when it is not, so a client that reads slowly holds at most the queue and the
 * channel's buffer: further notifications are dropped by the queue and reported to it as {@code
 * event: overflow}. A client whose queue overflowed and that still reads nothing for the stall
 * timeout is disconnected.
 *
 * <p>Live streams drain on the channel's event loop; a resuming stream drains on a worker, since
 * its replay reads the durable log.
 */
final class SseStream {
  private static final Logger log = LoggerFactory.getLogger(SseStream.class);

  /** Hand the events to the channel once this much is encoded. */
  private static final int BATCH_BYTES = 16 * 1024;

  private final Channel channel;
  private final Subscription sub;
  private final boolean withIds;
  private final int capacity;
  private final long stallMillis;
  private final Executor drainExecutor;
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicBoolean pending = new AtomicBoolean();
  private final AtomicBoolean stallWatch = new AtomicBoolean();
  private final Runnable drainTask = this::drain;

  // event loop only
  private ScheduledFuture<?> heartbeat;
  private ScheduledFuture<?> stallTimer;

  /**
   * @param withIds write {@code id:} lines (every channel of the stream is durable)
   * @param capacity the subscription's queue size
   * @param stallMillis how long a client whose queue overflowed may read nothing; 0: for ever
   * @param drainExecutor the event loop for a live stream, a worker pool for a resuming one
   */
  SseStream(
      Channel channel,
      Subscription sub,
      boolean withIds,
      int capacity,
      long stallMillis,
      Executor drainExecutor) {
    this.channel = channel;
    this.sub = sub;
    this.withIds = withIds;
    this.capacity = capacity;
    this.stallMillis = stallMillis;
    this.drainExecutor = drainExecutor;
  }

  /** On the event loop: the response head, then events as they come, heartbeats in between. */
  void start(String allowOrigin, long heartbeatMillis) {
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
        .set("X-Accel-Buffering", "no");
    if (allowOrigin != null) {
      head.headers()
          .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowOrigin)
          .set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
    }
    HttpUtil.setTransferEncodingChunked(head, true);
    channel.write(head);
    ByteBuf hello = channel.alloc().buffer(32);
    SseEvents.comment(hello, "connected");
    channel.writeAndFlush(new DefaultHttpContent(hello));
    channel.closeFuture().addListener(f -> closed());
    heartbeat =
        channel
            .eventLoop()
            .scheduleAtFixedRate(
                this::heartbeat, heartbeatMillis, heartbeatMillis, TimeUnit.MILLISECONDS);
    sub.onNotification(this::arrived);
    signal(); // the replay, and what arrived before the signal was set
  }

  /** A notification was queued or dropped (the publisher's thread, under the hub's lock: quick). */
  private void arrived() {
    if (channel.isWritable()) {
      signal();
      return;
    }
    pending.set(true);
    if (stallMillis > 0 && sub.queued() >= capacity && stallWatch.compareAndSet(false, true)) {
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
      if (channel.isActive()) { // else the stream closed under the drain: nothing to report
        log.warn("closing an event stream after a failure to read its notifications", e);
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
      SseEvents.notification(batch, n, withIds);
      if (batch.readableBytes() >= BATCH_BYTES) {
        channel.write(new DefaultHttpContent(batch));
        batch = null;
      }
    }
    if (batch != null) {
      channel.write(new DefaultHttpContent(batch));
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
          "closing an event stream to {}: its client read nothing for {} ms while its queue was"
              + " full",
          channel.remoteAddress(),
          stallMillis);
      channel.close();
    } else {
      stallWatch.set(false);
    }
  }

  private void heartbeat() {
    if (channel.isActive() && channel.isWritable()) {
      ByteBuf b = channel.alloc().buffer(16);
      SseEvents.comment(b, "heartbeat");
      channel.writeAndFlush(new DefaultHttpContent(b));
    }
  }

  private void closed() {
    if (heartbeat != null) {
      heartbeat.cancel(false);
    }
    if (stallTimer != null) {
      stallTimer.cancel(false);
    }
    sub.onNotification(null);
    sub.close();
  }
}
