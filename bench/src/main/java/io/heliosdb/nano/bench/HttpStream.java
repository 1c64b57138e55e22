package io.heliosdb.nano.bench;

import java.util.List;
import java.util.Locale;

/**
 * The two ways a client follows channels through the HTTP gateway of {@code heliosdb serve}: a
 * Server-Sent Events stream ({@link SseListenSession}) or a WebSocket ({@link WsListenSession}),
 * both spoken directly on {@link ListenerPool}'s selector threads.
 */
enum HttpStream {
  SSE,
  WS;

  static HttpStream parse(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  /** A client's protocol state for {@code channels}, reporting overflows to {@code overflows}. */
  ListenSession session(String host, List<String> channels, OverflowLog overflows) {
    return this == SSE
        ? new SseListenSession(host, channels, overflows)
        : new WsListenSession(host, channels, overflows);
  }
}
