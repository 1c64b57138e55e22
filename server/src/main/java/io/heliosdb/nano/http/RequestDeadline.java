package io.heliosdb.nano.http;

import io.heliosdb.nano.config.Durations;
import io.heliosdb.nano.error.SqlState;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * How long a client may take to send a request, between the HTTP codec and the body aggregator:
 *
 * <pre>
 * connected, or the previous answer written  ->  the head must be complete within request_head_timeout:
 *                                                 408 if part of one came, closed silently if none
 * head read, body not complete               ->  the body must be complete within request_body_timeout: 408
 * request complete, until its answer         ->  no limit (the server is at work)
 * an event stream or WebSocket answered      ->  no limit: this handler leaves the pipeline
 * </pre>
 *
 * These are deadlines, not idle timers: Netty's ReadTimeoutHandler and IdleStateHandler restart on
 * every read, so a client that trickles a byte now and then would hold its connection for ever.
 * While it waits for a request, the connection is in {@link WaitingConnections}, from which a new
 * connection beyond max_connections evicts the oldest.
 */
final class RequestDeadline extends ChannelDuplexHandler {
  private final Duration headTimeout;
  private final Duration bodyTimeout;
  private final WaitingConnections waiting;
  private final ClientErrors errors;

  // event loop only
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> timer;
  private int unanswered; // requests whose head was read and whose complete answer is not written
  private boolean inBody; // a head was read, the end of its body not yet
  private boolean headStarted; // bytes of the next request arrived, not yet a whole head

  RequestDeadline(
      Duration headTimeout, Duration bodyTimeout, WaitingConnections waiting, ClientErrors errors) {
    this.headTimeout = headTimeout;
    this.bodyTimeout = bodyTimeout;
    this.waiting = waiting;
    this.errors = errors;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    waitForRequest();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      unanswered++;
      if (msg instanceof LastHttpContent) {
        requestRead();
      } else {
        inBody = true;
        schedule(bodyTimeout, this::bodyTimedOut);
      }
    } else if (msg instanceof LastHttpContent && inBody) {
      requestRead();
    }
    ctx.fireChannelRead(msg);
  }

  /** A read that decoded no whole head still brought bytes of one. */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (unanswered == 0) {
      headStarted = true;
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean stream = msg instanceof HttpResponse && !(msg instanceof FullHttpResponse);
    boolean upgraded =
        msg instanceof FullHttpResponse r
            && r.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code();
    boolean answered =
        msg instanceof FullHttpResponse r
            && r.status().code() != HttpResponseStatus.CONTINUE.code();
    ctx.write(msg, promise);
    if (stream || upgraded) {
      cancel();
      waiting.remove(this);
      ctx.pipeline().remove(this); // an event stream or a WebSocket now: open as long as it lasts
    } else if (answered) {
      unanswered = Math.max(0, unanswered - 1);
      if (unanswered == 0) {
        inBody = false; // answered before its body came (413): the next request is what counts
        waitForRequest();
      }
    }
  }

  private void requestRead() {
    inBody = false;
    cancel();
    waiting.remove(this);
  }

  private void waitForRequest() {
    headStarted = false;
    schedule(headTimeout, this::headTimedOut);
    waiting.add(this);
  }

  private void headTimedOut() {
    waiting.remove(this);
    if (headStarted) {
      refuse(
          HttpResponseStatus.REQUEST_TIMEOUT,
          "request head not complete within request_head_timeout = "
              + Durations.format(headTimeout),
          SqlState.QUERY_CANCELED,
          ClientErrors.Reason.REQUEST_TIMEOUT);
    } else {
      errors.count(
          ClientErrors.Reason.REQUEST_TIMEOUT,
          ctx.channel(),
          "no request within request_head_timeout = " + Durations.format(headTimeout));
      ctx.close();
    }
  }

  private void bodyTimedOut() {
    waiting.remove(this);
    refuse(
        HttpResponseStatus.REQUEST_TIMEOUT,
        "request body not complete within request_body_timeout = " + Durations.format(bodyTimeout),
        SqlState.QUERY_CANCELED,
        ClientErrors.Reason.REQUEST_TIMEOUT);
  }

  /** From another event loop: close this connection if it still waits for a request. */
  void evict() {
    ctx.executor()
        .execute(
            () -> {
              if (!ctx.channel().isActive() || unanswered > 0 && !inBody) {
                return; // closed, or its request came meanwhile
              }
              cancel();
              String why =
                  "too many connections: max_connections of [http] reached, and this connection"
                      + " waited longest for its request";
              if (headStarted || inBody) {
                refuse(
                    HttpResponseStatus.SERVICE_UNAVAILABLE,
                    why,
                    SqlState.TOO_MANY_CONNECTIONS,
                    ClientErrors.Reason.EVICTED);
              } else {
                errors.count(ClientErrors.Reason.EVICTED, ctx.channel(), why);
                ctx.close();
              }
            });
  }

  /** Answers with the JSON error and closes (written from here: past this handler's write). */
  private void refuse(
      HttpResponseStatus status, String message, SqlState state, ClientErrors.Reason reason) {
    errors.count(reason, ctx.channel(), message);
    FullHttpResponse r = Responses.error(new HttpError(status, message, state.code()));
    HttpUtil.setKeepAlive(r, false);
    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }

  private void schedule(Duration after, Runnable task) {
    cancel();
    timer = ctx.executor().schedule(task, after.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    waiting.remove(this);
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
    waiting.remove(this);
  }
}
