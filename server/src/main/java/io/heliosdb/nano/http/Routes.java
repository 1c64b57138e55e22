package io.heliosdb.nano.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which endpoint a request is for, and what its URL says: the channel in its path, the channels of
 * its query, the token of a stream.
 *
 * <pre>
 * GET  /health                     200 | 503, JSON
 * GET  /metrics                    Prometheus text | 404 with metrics_enabled = false
 * GET  /channels/{channel}/events  text/event-stream
 * GET  /events?channel=a&amp;channel=b text/event-stream
 * GET  /ws                         WebSocket (101)
 * POST /channels/{channel}         204 (published, committed)
 * GET  anything else               a file of static_dir, when there is one
 * OPTIONS any of them              CORS preflight
 * </pre>
 */
final class Routes {
  /** The first path segments of the API: never files of static_dir. */
  private static final Set<String> API_PREFIXES =
      Set.of("channels", "events", "health", "metrics", "ws");

  /** The route of everything else: a file of static_dir, when there is one. */
  static final String FILE = "/{file}";

  private Routes() {}

  /** A route: the endpoint's name, the method it takes and the channel in its path (or null). */
  record Route(String name, HttpMethod method, String channel) {}

  /** The route of {@code rawPath}; channel names percent-decoded and checked. */
  static Route route(String rawPath) {
    String[] parts = rawPath.split("/", -1);
    switch (rawPath) {
      case "/health", "/metrics", "/events", "/ws" -> {
        return new Route(rawPath, HttpMethod.GET, null);
      }
      default -> {
        // below
      }
    }
    if (parts.length == 3 && parts[1].equals("channels")) {
      return new Route("/channels/{channel}", HttpMethod.POST, ChannelNames.decode(parts[2]));
    }
    if (parts.length == 4 && parts[1].equals("channels") && parts[3].equals("events")) {
      return new Route("/channels/{channel}/events", HttpMethod.GET, ChannelNames.decode(parts[2]));
    }
    if (parts.length > 1 && !API_PREFIXES.contains(parts[1])) {
      return new Route(FILE, HttpMethod.GET, null);
    }
    throw noSuchEndpoint(rawPath);
  }

  static HttpError noSuchEndpoint(String rawPath) {
    return new HttpError(
        HttpResponseStatus.NOT_FOUND,
        "no such endpoint: "
            + rawPath
            + " (endpoints: /health, /metrics, /events?channel=..., /channels/{channel}/events,"
            + " /ws, POST /channels/{channel})");
  }

  /** The channels of {@code /events?channel=a&channel=b}, checked, without repeats. */
  static List<String> channels(QueryStringDecoder q) {
    List<String> given = q.parameters().getOrDefault("channel", List.of());
    if (given.isEmpty()) {
      throw new HttpError(
          HttpResponseStatus.BAD_REQUEST,
          "name at least one channel: /events?channel=a&channel=b",
          "22023");
    }
    List<String> channels = new ArrayList<>();
    for (String c : given) {
      ChannelNames.check(c);
      if (!channels.contains(c)) {
        channels.add(c);
      }
    }
    return channels;
  }

  /**
   * A stream's credentials: the Authorization header, else RFC 6750's {@code ?access_token=} (an
   * EventSource or a browser's WebSocket cannot send headers).
   */
  static String streamAuthorization(FullHttpRequest req, QueryStringDecoder q) {
    String header = req.headers().get(HttpHeaderNames.AUTHORIZATION);
    List<String> token = q.parameters().get("access_token");
    return header != null || token == null || token.isEmpty() ? header : "Bearer " + token.get(0);
  }
}
