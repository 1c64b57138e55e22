package io.heliosdb.nano.http;

import io.heliosdb.nano.Notification;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.Map;

/**
 * Server-Sent Events as the HTML standard frames them: {@code id:}, {@code event:}, one {@code
 * data:} line per line of the payload (a payload with CR, LF or CRLF becomes several, which the
 * client joins with LF), and a blank line to end the event. Comments start with a colon.
 */
final class SseEvents {
  private SseEvents() {}

  /**
   * A notification: {@code event:} its channel, {@code data:} its payload, and {@code id:} its
   * durable id when {@code withId} (a stream every channel of which is durable).
   */
  static void notification(ByteBuf out, Notification n, boolean withId) {
    if (n.isOverflow()) {
      event(out, "overflow", 0, Responses.json(Map.of("dropped", n.droppedCount())));
    } else if (n.isReset()) {
      event(out, "reset", n.id(), Responses.json(Map.of("continues_after", n.id())));
    } else {
      event(out, n.channel(), withId ? n.id() : 0, n.payload());
    }
  }

  /** One event; no {@code id:} line when {@code id} is 0. */
  static void event(ByteBuf out, String name, long id, String data) {
    if (id > 0) {
      ByteBufUtil.writeAscii(out, "id: " + id + "\n");
    }
    out.writeBytes(EVENT);
    ByteBufUtil.writeUtf8(out, name);
    out.writeByte('\n');
    int start = 0;
    int n = data.length();
    for (int i = 0; i <= n; i++) {
      char c = i < n ? data.charAt(i) : '\n';
      if (c == '\r' || c == '\n') {
        out.writeBytes(DATA);
        ByteBufUtil.writeUtf8(out, data, start, i);
        out.writeByte('\n');
        if (c == '\r' && i + 1 < n && data.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    out.writeByte('\n');
  }

  /** A comment line, which clients ignore: keeps proxies and the connection awake. */
  static void comment(ByteBuf out, String text) {
    out.writeByte(':');
    out.writeByte(' ');
    ByteBufUtil.writeUtf8(out, text);
    out.writeByte('\n');
    out.writeByte('\n');
  }

  private static final byte[] EVENT =
      "event: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] DATA = "data: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
}
