package io.heliosdb.nano.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/** Answers OPTIONS: a CORS preflight from an allowed origin, or which methods a path takes. */
final class Cors {
  /** The request headers a browser may send: tokens, a payload's type, resume. */
  static final String ALLOWED_HEADERS = "Authorization, Content-Type, Last-Event-ID";

  private Cors() {}

  /**
   * @param origin the request's Origin when cors_allowed_origins allows it, else null
   */
  static FullHttpResponse preflight(FullHttpRequest req, Routes.Route route, String origin) {
    String methods = route.method() + ", OPTIONS";
    boolean preflight = req.headers().contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
    if (!preflight) {
      FullHttpResponse r = Responses.empty(HttpResponseStatus.NO_CONTENT);
      r.headers().set(HttpHeaderNames.ALLOW, methods);
      return r;
    }
    if (origin == null) {
      return Responses.error(
          new HttpError(
              HttpResponseStatus.FORBIDDEN,
              "origin "
                  + req.headers().get(HttpHeaderNames.ORIGIN)
                  + " is not in cors_allowed_origins of [http]"));
    }
    FullHttpResponse r = Responses.empty(HttpResponseStatus.NO_CONTENT);
    r.headers()
        .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
        .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, methods)
        .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS)
        .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "600")
        .set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
    return r;
  }
}
