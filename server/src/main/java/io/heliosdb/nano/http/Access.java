package io.heliosdb.nano.http;

import io.heliosdb.nano.config.ChannelPatterns;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;

/**
 * Who may do what: bearer tokens from [http.tokens], compared as SHA-256 hashes in constant time,
 * each with the channels it may subscribe to and publish on; anonymous access when configured; and
 * the origins CORS lets browsers call from.
 */
final class Access {
  /** SQLSTATE invalid_authorization_specification, as PostgreSQL reports a failed login. */
  static final String NOT_AUTHENTICATED = "28000";

  /** SQLSTATE insufficient_privilege. */
  static final String NOT_ALLOWED = "42501";

  private static final String REALM = "Bearer realm=\"heliosdb\"";

  /** RFC 6750's challenge for a token that was given and is wrong. */
  private static final String INVALID_TOKEN = REALM + ", error=\"invalid_token\"";

  /** The caller: a token's name and allowlists, or anonymous with every channel. */
  record Principal(String name, ChannelPatterns subscribe, ChannelPatterns publish) {}

  static final Principal ANONYMOUS =
      new Principal("anonymous", ChannelPatterns.ALL, ChannelPatterns.ALL);

  private final List<HttpConfig.Token> tokens;
  private final boolean anonymous;
  private final List<String> origins;

  Access(HttpConfig config) {
    this.tokens = config.tokens();
    this.anonymous = config.anonymous();
    this.origins = config.corsAllowedOrigins();
  }

  /**
   * The caller of a request with this Authorization header (null when absent).
   *
   * @throws HttpError 401 with WWW-Authenticate: Bearer without a valid token (anonymous access
   *     off), or with a token that matches none
   */
  Principal authenticate(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      if (anonymous) {
        return ANONYMOUS;
      }
      throw new HttpError(
          HttpResponseStatus.UNAUTHORIZED,
          "a bearer token is required: Authorization: Bearer <token>",
          NOT_AUTHENTICATED,
          Map.of("WWW-Authenticate", REALM));
    }
    String given = bearer(authorization);
    byte[] hash = sha256(given);
    Principal found = null;
    for (HttpConfig.Token t : tokens) {
      // Every token is compared, each in constant time: the time does not tell which matched.
      if (MessageDigest.isEqual(hash, t.sha256()) && found == null) {
        found = new Principal(t.name(), t.subscribe(), t.publish());
      }
    }
    if (found == null) {
      throw new HttpError(
          HttpResponseStatus.UNAUTHORIZED,
          "invalid bearer token",
          NOT_AUTHENTICATED,
          Map.of("WWW-Authenticate", INVALID_TOKEN));
    }
    return found;
  }

  /** Whether {@code e} refuses a token that was given (a guess, to be throttled). */
  static boolean rejectsToken(HttpError e) {
    return INVALID_TOKEN.equals(e.headers().get("WWW-Authenticate"));
  }

  private static String bearer(String authorization) {
    String h = authorization.trim();
    if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new HttpError(
          HttpResponseStatus.UNAUTHORIZED,
          "only bearer tokens are accepted: Authorization: Bearer <token>",
          NOT_AUTHENTICATED,
          Map.of("WWW-Authenticate", REALM + ", error=\"invalid_request\""));
    }
    return h.substring(7).trim();
  }

  /**
   * @throws HttpError 403 when {@code p} may not subscribe to (or publish on) one of {@code
   *     channels}
   */
  static void check(Principal p, boolean publish, List<String> channels) {
    ChannelPatterns allowed = publish ? p.publish() : p.subscribe();
    for (String c : channels) {
      if (!allowed.matches(c)) {
        throw new HttpError(
            HttpResponseStatus.FORBIDDEN,
            "token \""
                + p.name()
                + "\" may not "
                + (publish ? "publish on" : "subscribe to")
                + " channel \""
                + c
                + "\"",
            NOT_ALLOWED);
      }
    }
  }

  /** The value for Access-Control-Allow-Origin, or null when {@code origin} is not allowed. */
  String allowedOrigin(String origin) {
    if (origin == null) {
      return null;
    }
    for (String o : origins) {
      if (o.equals("*") || o.equals(origin)) {
        return origin;
      }
    }
    return null;
  }

  /**
   * Refuses a browser's request from a page of another origin that cors_allowed_origins does not
   * allow: a WebSocket or a plain POST needs no preflight, so without this any web page could
   * publish, or listen over a WebSocket, through a visitor's loopback gateway. Requests without
   * Origin (not from a browser) and from the gateway's own pages pass.
   *
   * @throws HttpError 403
   */
  void checkOrigin(io.netty.handler.codec.http.HttpRequest req) {
    String origin = req.headers().get(io.netty.handler.codec.http.HttpHeaderNames.ORIGIN);
    if (origin == null || allowedOrigin(origin) != null) {
      return;
    }
    String host = req.headers().get(io.netty.handler.codec.http.HttpHeaderNames.HOST);
    if (host != null && origin.equalsIgnoreCase("http://" + host)) {
      return;
    }
    throw new HttpError(
        HttpResponseStatus.FORBIDDEN,
        "origin " + origin + " is not in cors_allowed_origins of [http]",
        NOT_ALLOWED);
  }

  /** SHA-256 of the token's UTF-8 text. */
  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
