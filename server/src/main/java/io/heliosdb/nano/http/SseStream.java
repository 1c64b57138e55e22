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

/**
 * One Server-Sent Events stream: the response head, then a subscription's notifications as events
 * in chunks of the chunked response (moved by a {@link NotificationPump}), and a heartbeat comment
 * when the stream is idle. Overflows arrive as {@code event: overflow}.
 */
final class SseStream implements NotificationPump.Framer {
  /** Hand the events to the channel once this much is encoded. */
  private static final int BATCH_BYTES = 16 * 1024;

  private final Channel channel;
  private final boolean withIds;
  private final NotificationPump pump;

  // event loop only
  private ScheduledFuture<?> heartbeat;

  /**
   * @param withIds write {@code id:} lines (every channel of the stream is durable)
   * @param stallMillis how long a client whose queue overflowed may read nothing; 0: for ever
   * @param drainExecutor the event loop for a live stream, a worker pool for a resuming one
   */
  SseStream(
      Channel channel,
      Subscription sub,
      boolean withIds,
      long stallMillis,
      Executor drainExecutor) {
    this.channel = channel;
    this.withIds = withIds;
    this.pump = new NotificationPump(channel, sub, this, BATCH_BYTES, stallMillis, drainExecutor);
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
    pump.start();
  }

  @Override
  public void append(ByteBuf out, Notification n) {
    SseEvents.notification(out, n, withIds);
  }

  @Override
  public Object frame(ByteBuf content) {
    return new DefaultHttpContent(content);
  }

  /** The channel's writability changed (event loop). */
  void writabilityChanged() {
    pump.writabilityChanged();
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
    pump.close();
  }
}
