package io.heliosdb.nano.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.MessageAggregationException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections the gateway ends because of what the client did (or did not do), counted by reason
 * for /metrics and logged as one DEBUG line each: a client can make as many mistakes as it likes,
 * so none of them may fill the log with stack traces. A failure that is not the client's is not one
 * of these: it is logged as a WARN with its stack trace where it happens.
 */
final class ClientErrors {
  private static final Logger log = LoggerFactory.getLogger(ClientErrors.class);

  /** Why a connection ended; the label of the metric is the name in lower case. */
  enum Reason {
    /** A request Netty's codec could not read or take (400, 414, 431; 129 pipelined at once). */
    MALFORMED_REQUEST,
    /** A request head or body not complete in time (408), or no request at all. */
    REQUEST_TIMEOUT,
    /** Closed, waiting longest for its request, to make room at max_connections. */
    EVICTED,
    /** The client closed the connection in the middle of a request or WebSocket message. */
    CLOSED_MID_MESSAGE,
    /** The connection failed under the client: reset, broken pipe. */
    CONNECTION_RESET,
    /** A WebSocket frame that breaks RFC 6455 (1002, 1007) or is binary (1003). */
    WEBSOCKET_PROTOCOL,
    /** A message over its limit: a WebSocket message (1009). */
    MESSAGE_TOO_BIG;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final AttributeKey<Boolean> COUNTED =
      AttributeKey.valueOf(ClientErrors.class, "counted");

  private final Map<Reason, LongAdder> counts = new EnumMap<>(Reason.class);

  ClientErrors() {
    for (Reason r : Reason.values()) {
      counts.put(r, new LongAdder());
    }
  }

  /** The client's mistake that {@code cause} is, or null when it is the server's failure. */
  static Reason of(Throwable cause) {
    if (cause instanceof DecoderException
        && !(cause instanceof CorruptedWebSocketFrameException)
        && cause.getCause() != null) {
      Reason r = of(cause.getCause()); // a decoder's wrapping of what it met in the client's bytes
      boolean refused = cause.getCause() instanceof IllegalStateException; // 129 pipelined
      return r != null || !refused ? r : Reason.MALFORMED_REQUEST;
    }
    if (cause instanceof PrematureChannelClosureException) {
      return Reason.CLOSED_MID_MESSAGE;
    }
    if (cause instanceof IOException) {
      return Reason.CONNECTION_RESET;
    }
    if (cause instanceof CorruptedWebSocketFrameException
        || cause instanceof MessageAggregationException) {
      return Reason.WEBSOCKET_PROTOCOL; // frames out of order reach the aggregator
    }
    if (cause instanceof TooLongFrameException) {
      return Reason.MESSAGE_TOO_BIG;
    }
    return null;
  }

  /**
   * Counts the connection {@code ch} as ended for {@code reason}, once: what follows from the first
   * mistake (a reset, then the aggregator's complaint that the message is cut short) is not counted
   * again. One DEBUG line says why.
   */
  void count(Reason reason, Channel ch, String why) {
    if (ch.attr(COUNTED).setIfAbsent(Boolean.TRUE) != null) {
      return;
    }
    counts.get(reason).increment();
    log.debug(
        "closing the HTTP connection of {}: {} ({})", ch.remoteAddress(), why, reason.label());
  }

  long count(Reason reason) {
    return counts.get(reason).sum();
  }
}
