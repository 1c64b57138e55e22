package io.heliosdb.nano.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP connection: routes each request, checks its token and channels, and answers; the work
 * that touches the database runs on {@link Endpoints}' workers while the connection reads no
 * further request, so responses keep the order of requests. Once a request has become an event
 * stream, the connection belongs to it; one that asks for {@code /ws} becomes a {@link WsSession}.
 * The endpoints are those of {@link Routes}.
 */
final class HttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(HttpHandler.class);

  private final Endpoints endpoints;
  private final Access access;
  private final AllowedHosts hosts;
  private final StaticFiles files;
  private final boolean admitted;
  // event loop only
  private SseStream stream;

  /** A request is being answered (on a worker, or later): read no further one until it is. */
  private boolean answering;

  /**
   * Requests that arrived in the same read as one still being answered (pipelined): they wait, in
   * order, so that answers keep the order of requests (RFC 9112, 9.3.2) and one client does not run
   * many requests at once. Netty's codec refuses more than 128.
   */
  private final ArrayDeque<FullHttpRequest> pipelined = new ArrayDeque<>();

  /**
   * @param admitted false when the connection is beyond max_connections: every request gets 503
   */
  HttpHandler(
      Endpoints endpoints, Access access, AllowedHosts hosts, StaticFiles files, boolean admitted) {
    this.endpoints = endpoints;
    this.access = access;
    this.hosts = hosts;
    this.files = files;
    this.admitted = admitted;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (stream != null) {
      return; // the connection is an event stream now: nothing more is read from it
    }
    if (answering) {
      pipelined.add(req.retain());
      return;
    }
    handle(ctx, req);
  }

  private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (req.decoderResult().isFailure()) {
      Throwable cause = req.decoderResult().cause();
      endpoints
          .clientErrors()
          .count(ClientErrors.Reason.MALFORMED_REQUEST, ctx.channel(), cause.toString());
      badRequest(ctx, cause);
      return;
    }
    boolean keepAlive = admitted && HttpUtil.isKeepAlive(req); // a refused connection closes
    String origin = access.allowedOrigin(req.headers().get(HttpHeaderNames.ORIGIN));
    try {
      if (!admitted) {
        throw new HttpError(
            HttpResponseStatus.SERVICE_UNAVAILABLE,
            "too many connections: max_connections of [http] reached",
            "53300");
      }
      hosts.check(req);
      QueryStringDecoder target = RequestTarget.of(req.uri());
      Routes.Route route = Routes.route(target.rawPath());
      if (req.method().equals(HttpMethod.OPTIONS)) {
        respond(ctx, Cors.preflight(req, route, origin), keepAlive, null);
        return;
      }
      if (!req.method().equals(route.method())) {
        throw new HttpError(
            HttpResponseStatus.METHOD_NOT_ALLOWED,
            req.method() + " is not allowed on " + route.name() + ": use " + route.method(),
            null,
            Map.of("Allow", route.method() + ", OPTIONS"));
      }
      dispatch(ctx, req, target, route, origin, keepAlive);
    } catch (HttpError e) {
      refuse(ctx, e, keepAlive, origin);
    }
  }

  /**
   * Answers {@code e}; a wrong token after the client address's throttle delay, scheduled on the
   * event loop (never waited for on it) while the connection reads no further request.
   */
  private void refuse(ChannelHandlerContext ctx, HttpError e, boolean keepAlive, String origin) {
    Duration wait =
        Access.rejectsToken(e)
            ? endpoints.throttle().failed(ctx.channel().remoteAddress())
            : Duration.ZERO;
    if (wait.isZero()) {
      respond(ctx, Responses.error(e), keepAlive, origin);
      return;
    }
    answering = true;
    ctx.channel().config().setAutoRead(false);
    try {
      ctx.executor()
          .schedule(
              () -> respond(ctx, Responses.error(e), keepAlive, origin),
              wait.toMillis(),
              TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      ctx.close(); // the gateway is shutting down
    }
  }

  private void dispatch(
      ChannelHandlerContext ctx,
      FullHttpRequest req,
      QueryStringDecoder q,
      Routes.Route route,
      String origin,
      boolean keepAlive) {
    switch (route.name()) {
      case "/health" -> later(ctx, keepAlive, origin, endpoints::health);
      case "/metrics" -> respond(ctx, endpoints.metrics(), keepAlive, origin);
      case Routes.FILE -> {
        if (files == null) {
          throw Routes.noSuchEndpoint(q.rawPath());
        }
        String path = q.path();
        later(ctx, keepAlive, origin, () -> files.get(path));
      }
      case "/ws" -> {
        Access.Principal who = access.authenticate(Routes.streamAuthorization(req, q));
        access.checkOrigin(req);
        WsUpgrade.upgrade(ctx, req, endpoints, who);
      }
      case "/channels/{channel}" -> {
        access.checkOrigin(req);
        Access.Principal who =
            access.authenticate(req.headers().get(HttpHeaderNames.AUTHORIZATION));
        String payload = endpoints.payload(req.content());
        Access.check(who, true, List.of(route.channel()));
        later(ctx, keepAlive, origin, () -> endpoints.publish(route.channel(), payload));
      }
      default -> {
        Access.Principal who = access.authenticate(Routes.streamAuthorization(req, q));
        List<String> channels =
            route.channel() != null ? List.of(route.channel()) : Routes.channels(q);
        Access.check(who, false, channels);
        long fromId = Endpoints.resumeId(req.headers().get("Last-Event-ID"), q.parameters());
        answering = true;
        ctx.channel().config().setAutoRead(false);
        endpoints.subscribe(
            ctx.channel(),
            channels,
            fromId,
            (sub, drains) -> {
              stream =
                  new SseStream(
                      ctx.channel(),
                      sub,
                      endpoints.allDurable(channels),
                      endpoints.stallMillis(),
                      drains);
              stream.start(origin, endpoints.heartbeatMillis());
              // Read on, to see the client close the connection (what it sends is ignored).
              answering = false;
              releasePipelined();
              ctx.channel().config().setAutoRead(true);
            },
            e -> respond(ctx, Responses.error(e), keepAlive, origin));
      }
    }
  }

  /** Runs {@code work} on a worker; the connection reads no further request until it answered. */
  private void later(
      ChannelHandlerContext ctx,
      boolean keepAlive,
      String origin,
      java.util.function.Supplier<FullHttpResponse> work) {
    answering = true;
    ctx.channel().config().setAutoRead(false);
    endpoints.run(work, r -> respond(ctx, r, keepAlive, origin));
  }

  /**
   * Sends {@code r}, then reads the next request if the client takes what is written: one that
   * sends requests without reading the answers stops being read, instead of filling memory.
   */
  private void respond(
      ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive, String origin) {
    if (origin != null) {
      r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
      r.headers().add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
    }
    Responses.send(ctx.channel(), r, keepAlive);
    if (ctx.executor().inEventLoop()) {
      answered(ctx);
    } else {
      try {
        ctx.executor().execute(() -> answered(ctx));
      } catch (RejectedExecutionException closing) {
        // the gateway is shutting down: so is the connection
      }
    }
  }

  /** On the event loop: the next pipelined request, or reading on, once the client reads. */
  private void answered(ChannelHandlerContext ctx) {
    answering = false;
    if (!ctx.channel().isWritable()) {
      ctx.channel().config().setAutoRead(false); // until channelWritabilityChanged
      return;
    }
    FullHttpRequest next = pipelined.poll();
    if (next == null) {
      ctx.channel().config().setAutoRead(true);
      return;
    }
    try {
      handle(ctx, next);
    } finally {
      next.release();
    }
  }

  private void releasePipelined() {
    for (FullHttpRequest r = pipelined.poll(); r != null; r = pipelined.poll()) {
      r.release();
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releasePipelined();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releasePipelined();
    ctx.fireChannelInactive();
  }

  /** A request Netty's codec could not read: 431 for headers, 414 for the line, else 400. */
  private static void badRequest(ChannelHandlerContext ctx, Throwable cause) {
    HttpError e;
    if (cause instanceof TooLongHttpHeaderException) {
      e =
          new HttpError(
              HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
              "request headers too large: " + cause.getMessage());
    } else if (cause instanceof TooLongHttpLineException) {
      e = new HttpError(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long");
    } else if (cause instanceof TooLongFrameException) {
      e = new HttpError(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, cause.getMessage());
    } else {
      e = new HttpError(HttpResponseStatus.BAD_REQUEST, "bad request: " + cause.getMessage());
    }
    Responses.sendAndLinger(ctx.channel(), Responses.error(e));
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (stream != null) {
      stream.writabilityChanged();
    } else if (!answering && ctx.channel().isWritable()) {
      answered(ctx);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ClientErrors.Reason reason = ClientErrors.of(cause);
    if (reason != null) {
      endpoints.clientErrors().count(reason, ctx.channel(), cause.toString());
    } else {
      log.warn("closing an HTTP connection after an unexpected error", cause);
    }
    ctx.close();
  }
}
