package io.heliosdb.nano.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A response head (status line and headers, up to the blank line) read from the front of a buffer,
 * for the HTTP clients of the benchmarks ({@link SseListenSession}, {@link WsListenSession}, {@link
 * HttpPostPublisher}).
 */
record HttpHead(int status, String text) {
  /**
   * Takes the head from {@code in} (read mode) when it is complete, leaving the position after it;
   * null when the blank line has not arrived yet (the position is unchanged).
   */
  static HttpHead take(ByteBuffer in) throws IOException {
    int from = in.position();
    for (int i = from; i + 3 < in.limit(); i++) {
      if (in.get(i) == '\r'
          && in.get(i + 1) == '\n'
          && in.get(i + 2) == '\r'
          && in.get(i + 3) == '\n') {
        byte[] bytes = new byte[i - from];
        in.get(from, bytes);
        in.position(i + 4);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        if (!text.startsWith("HTTP/1.1 ") || text.length() < 12) {
          throw new IOException("not an HTTP/1.1 response: " + firstLine(text));
        }
        return new HttpHead(Integer.parseInt(text.substring(9, 12)), text);
      }
    }
    return null;
  }

  /** The value of header {@code name} (case-insensitive), or null. */
  String header(String name) {
    String wanted = name.toLowerCase(Locale.ROOT) + ":";
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith(wanted)) {
        return line.substring(wanted.length()).trim();
      }
    }
    return null;
  }

  String statusLine() {
    return firstLine(text);
  }

  private static String firstLine(String text) {
    int end = text.indexOf("\r\n");
    return end < 0 ? text : text.substring(0, end);
  }
}
