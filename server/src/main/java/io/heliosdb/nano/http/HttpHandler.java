package io.heliosdb.nano.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.PrematureChannelClosureException;
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
import java.io.IOException;
import java.util.List;
import java.util.Map;
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
  private final StaticFiles files;
  private final boolean admitted;
  private SseStream stream;

  /** A request is being answered on a worker: read no further one until it is. */
  private volatile boolean answering;

  /**
   * @param admitted false when the connection is beyond max_connections: every request gets 503
   */
  HttpHandler(Endpoints endpoints, Access access, StaticFiles files, boolean admitted) {
    this.endpoints = endpoints;
    this.access = access;
    this.files = files;
    this.admitted = admitted;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (stream != null) {
      return; // the connection is an event stream now: nothing more is read from it
    }
    if (req.decoderResult().isFailure()) {
      badRequest(ctx, req.decoderResult().cause());
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
      Routes.Route route = Routes.route(new QueryStringDecoder(req.uri()).rawPath());
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
      dispatch(ctx, req, route, origin, keepAlive);
    } catch (HttpError e) {
      respond(ctx, Responses.error(e), keepAlive, origin);
    }
  }

  private void dispatch(
      ChannelHandlerContext ctx,
      FullHttpRequest req,
      Routes.Route route,
      String origin,
      boolean keepAlive) {
    switch (route.name()) {
      case "/health" -> later(ctx, keepAlive, origin, endpoints::health);
      case "/metrics" -> respond(ctx, endpoints.metrics(), keepAlive, origin);
      case Routes.FILE -> {
        if (files == null) {
          throw Routes.noSuchEndpoint(new QueryStringDecoder(req.uri()).rawPath());
        }
        String path = new QueryStringDecoder(req.uri()).path();
        later(ctx, keepAlive, origin, () -> files.get(path));
      }
      case "/ws" -> {
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
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
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
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
    answering = false;
    ctx.channel().config().setAutoRead(ctx.channel().isWritable());
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
    Responses.send(ctx.channel(), Responses.error(e), false);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (stream != null) {
      stream.writabilityChanged();
    } else if (!answering && ctx.channel().isWritable()) {
      ctx.channel().config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A client that drops mid-request is no news (PrematureChannelClosureException).
    if (!(cause instanceof IOException || cause instanceof PrematureChannelClosureException)) {
      log.warn("closing an HTTP connection after an unexpected error", cause);
    }
    ctx.close();
  }
}
