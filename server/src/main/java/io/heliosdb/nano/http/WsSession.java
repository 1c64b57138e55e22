package io.heliosdb.nano.http;

import io.heliosdb.nano.HeliosException;
import io.heliosdb.nano.Notification;
import io.heliosdb.nano.Subscription;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection of {@code /ws} after its handshake: runs the requests of {@link
 * WsMessages} one at a time, in order (the connection reads no further frame while one waits on
 * SQLite), and moves notifications to the client as text frames. Live channels share one
 * subscription; each subscribe with {@code from_id} is a resuming subscription of its own, whose
 * notifications are in commit order among themselves. The server pings every heartbeat interval and
 * drops a client that stays silent for three.
 */
final class WsSession extends SimpleChannelInboundHandler<WebSocketFrame> {
  private static final Logger log = LoggerFactory.getLogger(WsSession.class);

  /** Resuming subscriptions one connection may hold: each reads the log on its own. */
  static final int MAX_RESUMING = 16;

  private final Channel channel;
  private final Endpoints endpoints;
  private final Access.Principal who;
  private final long heartbeatNanos;

  // event loop only
  private Feed live;
  private final List<Feed> resuming = new ArrayList<>();
  private ScheduledFuture<?> pinger;
  private long lastHeard = System.nanoTime();
  private boolean busy;

  /**
   * Requests that arrived in the same read as one still at work: they wait their turn, so that
   * requests run one at a time and answers keep their order.
   */
  private final ArrayDeque<TextWebSocketFrame> waitingRequests = new ArrayDeque<>();

  WsSession(Channel channel, Endpoints endpoints, Access.Principal who) {
    this.channel = channel;
    this.endpoints = endpoints;
    this.who = who;
    this.heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(endpoints.heartbeatMillis());
  }

  /** After the handshake, on the event loop: pings, and clean-up when the connection closes. */
  void start() {
    long every = endpoints.heartbeatMillis();
    pinger =
        channel.eventLoop().scheduleAtFixedRate(this::ping, every, every, TimeUnit.MILLISECONDS);
    channel.closeFuture().addListener(f -> closed());
  }

  /**
   * Bytes that come as they are, not as frames, are what the HTTP decoder still held when the
   * handshake removed it: frames the client sent right behind its upgrade request. They go through
   * the frame decoder like the rest.
   */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof ByteBuf early) {
      ChannelHandlerContext frames = ctx.pipeline().context(WebSocketFrameDecoder.class);
      if (frames == null) {
        early.release();
      } else {
        ((ChannelInboundHandler) frames.handler()).channelRead(frames, early);
      }
      return;
    }
    super.channelRead(ctx, msg);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    lastHeard = System.nanoTime();
    if (frame instanceof TextWebSocketFrame text && (busy || !waitingRequests.isEmpty())) {
      waitingRequests.add(text.retain());
    } else if (frame instanceof TextWebSocketFrame text) {
      request(text.text());
    } else if (frame instanceof PingWebSocketFrame) {
      ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
    } else if (frame instanceof CloseWebSocketFrame) {
      ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
          .addListener(ChannelFutureListener.CLOSE);
    } else if (frame instanceof BinaryWebSocketFrame) {
      endpoints
          .clientErrors()
          .count(ClientErrors.Reason.WEBSOCKET_PROTOCOL, channel, "a binary WebSocket frame");
      close(WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "send JSON requests in text frames");
    }
    // a pong: heard from the client, nothing to answer
    readOn();
  }

  /**
   * Reads the next frames only when no request waits and the client takes what is written: one that
   * sends requests without reading the answers stops being read, instead of filling memory.
   */
  private void readOn() {
    channel.config().setAutoRead(!busy && channel.isWritable() && waitingRequests.isEmpty());
  }

  /** The requests that waited, in order, until one is at work again or the client stops reading. */
  private void nextRequests() {
    while (!busy && channel.isActive() && channel.isWritable()) {
      TextWebSocketFrame next = waitingRequests.poll();
      if (next == null) {
        return;
      }
      try {
        request(next.text());
      } finally {
        next.release();
      }
    }
  }

  private void request(String text) {
    WsMessages.Request r = null;
    try {
      r = WsMessages.parse(text);
      switch (r.op()) {
        case "subscribe" -> subscribe(r);
        case "unsubscribe" -> unsubscribe(r);
        default -> notify(r);
      }
    } catch (HttpError e) {
      channel.writeAndFlush(WsMessages.error(r == null ? e : e.ref(r.ref())));
    }
  }

  private void subscribe(WsMessages.Request r) {
    Access.check(who, false, r.channels());
    if (r.fromId() < 0) {
      List<String> added = new ArrayList<>(r.channels());
      added.removeIf(this::isSubscribed);
      if (!added.isEmpty()) {
        listenLive(added);
      }
      reply("subscribed", r);
      return;
    }
    for (String c : r.channels()) {
      if (resumingFeedOf(c) != null) {
        throw new HttpError(
            HttpResponseStatus.CONFLICT,
            "channel \"" + c + "\" is already being resumed: unsubscribe it first",
            "42710");
      }
    }
    if (resuming.size() >= MAX_RESUMING) {
      throw new HttpError(
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          "a connection may resume at most " + MAX_RESUMING + " subscriptions at a time",
          "53400");
    }
    whileBusy(
        () -> endpoints.subscription(r.channels(), r.fromId()),
        sub -> {
          // Live no more: the resuming subscription has them from from_id on, and what the live
          // one still holds of them is skipped (its feed no longer has them): no duplicate.
          if (live != null) {
            for (String c : r.channels()) {
              live.channels.remove(c);
              live.pump.subscription().unlisten(c);
            }
          }
          reply("subscribed", r);
          Feed f = new Feed(sub, r.channels(), endpoints.workers());
          resuming.add(f);
          f.pump.start();
        },
        r);
  }

  private void listenLive(List<String> channels) {
    try {
      if (live == null) {
        live = new Feed(endpoints.liveSubscription(channels), channels, channel.eventLoop());
        live.pump.start();
      } else {
        live.pump.subscription().listen(channels.toArray(new String[0]));
        live.channels.addAll(channels);
      }
    } catch (HeliosException e) {
      throw HttpError.of(e);
    }
  }

  private void unsubscribe(WsMessages.Request r) {
    List<String> gone = r.channels();
    if (live != null) {
      for (String c : gone.isEmpty() ? List.copyOf(live.channels) : gone) {
        live.channels.remove(c);
        live.pump.subscription().unlisten(c);
      }
    }
    resuming.removeIf(
        f -> {
          f.channels.removeAll(gone.isEmpty() ? f.channels : gone);
          if (f.channels.isEmpty()) {
            f.pump.close();
            return true;
          }
          return false;
        });
    reply("unsubscribed", r);
  }

  private boolean isSubscribed(String c) {
    return live != null && live.channels.contains(c) || resumingFeedOf(c) != null;
  }

  private Feed resumingFeedOf(String c) {
    for (Feed f : resuming) {
      if (f.channels.contains(c)) {
        return f;
      }
    }
    return null;
  }

  private void notify(WsMessages.Request r) {
    Access.check(who, true, List.of(r.channel()));
    whileBusy(
        () -> {
          endpoints.publishNow(r.channel(), r.payload());
          return r.channel();
        },
        c -> channel.writeAndFlush(WsMessages.reply("notified", Map.of("channel", c), r.ref())),
        r);
  }

  /**
   * Runs {@code work} on a worker without reading further frames, then {@code then} on the event
   * loop with its result; a failure becomes an error frame.
   */
  private <T> void whileBusy(
      java.util.function.Supplier<T> work,
      java.util.function.Consumer<T> then,
      WsMessages.Request r) {
    busy = true;
    channel.config().setAutoRead(false);
    endpoints.runThen(
        work,
        channel.eventLoop(),
        (result, error) -> {
          busy = false;
          lastHeard = System.nanoTime();
          if (error != null) {
            channel.writeAndFlush(WsMessages.error(error.ref(r.ref())));
          } else if (channel.isActive()) {
            then.accept(result);
          } else if (result instanceof Subscription s) {
            s.close();
          }
          nextRequests();
          readOn();
        });
  }

  private void reply(String op, WsMessages.Request r) {
    channel.writeAndFlush(WsMessages.reply(op, Map.of("channels", r.channels()), r.ref()));
  }

  /**
   * A subscription and the channels this connection still wants of it: what it delivers of other
   * channels (queued before an unsubscribe, or moved to a resuming subscription) is skipped.
   */
  private final class Feed implements NotificationPump.Framer {
    /** Changed on the event loop, read by the drain (another thread for a resuming feed). */
    final Set<String> channels = ConcurrentHashMap.newKeySet();

    final NotificationPump pump;

    Feed(Subscription sub, List<String> channels, Executor drains) {
      this.channels.addAll(channels);
      this.pump = new NotificationPump(channel, sub, this, 1, endpoints.stallMillis(), drains);
    }

    @Override
    public void append(ByteBuf out, Notification n) {
      if (n.isOverflow() || n.isReset() || channels.contains(n.channel())) {
        WsMessages.notification(out, n);
      }
    }

    @Override
    public Object frame(ByteBuf content) {
      return new TextWebSocketFrame(content);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (live != null) {
      live.pump.writabilityChanged();
    }
    resuming.forEach(f -> f.pump.writabilityChanged());
    nextRequests();
    readOn();
    ctx.fireChannelWritabilityChanged();
  }

  private void ping() {
    if (!channel.isActive() || busy || !channel.isWritable()) {
      return; // a client that does not read is the pumps' stall timeout's to judge
    }
    if (System.nanoTime() - lastHeard > 3 * heartbeatNanos) {
      log.info("closing the WebSocket of {}: no answer to three pings", channel.remoteAddress());
      channel.close();
      return;
    }
    channel.writeAndFlush(new PingWebSocketFrame());
  }

  private void close(WebSocketCloseStatus status, String reason) {
    channel
        .writeAndFlush(new CloseWebSocketFrame(status.code(), reason))
        .addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * A client's mistake (a frame too long or against RFC 6455, a connection dropped mid-message) is
   * counted and logged in one DEBUG line; anything else is the server's, with its stack trace.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ClientErrors.Reason reason = ClientErrors.of(cause);
    if (reason == null) {
      log.warn("closing a WebSocket after an unexpected error", cause);
      ctx.close();
      return;
    }
    endpoints.clientErrors().count(reason, channel, cause.toString());
    if (cause instanceof TooLongFrameException) {
      close(
          WebSocketCloseStatus.MESSAGE_TOO_BIG,
          "message longer than " + endpoints.maxWsMessageBytes() + " bytes");
    } else {
      ctx.close(); // a corrupt frame: the decoder has sent the close frame with its reason
    }
  }

  private void closed() {
    if (pinger != null) {
      pinger.cancel(false);
    }
    if (live != null) {
      live.pump.close();
    }
    resuming.forEach(f -> f.pump.close());
    resuming.clear();
    waitingRequests.forEach(TextWebSocketFrame::release);
    waitingRequests.clear();
  }
}
