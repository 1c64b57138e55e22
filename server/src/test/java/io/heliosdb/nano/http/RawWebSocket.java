package io.heliosdb.nano.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Test helper: the bytes of a WebSocket client written by hand, for clients the JDK's would not be
 * (one that never answers pings, never reads, drops mid-way or sends before the 101).
 */
final class RawWebSocket {
  /** The upgrade request of /ws (RFC 6455's sample key). */
  static final byte[] UPGRADE =
      ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);

  private RawWebSocket() {}

  /** A final text frame of {@code text} (under 126 bytes), masked with a zero key. */
  static byte[] maskedText(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    if (payload.length >= 126) {
      throw new IllegalArgumentException("only short frames: " + payload.length + " bytes");
    }
    byte[] frame = new byte[6 + payload.length];
    frame[0] = (byte) 0x81;
    frame[1] = (byte) (0x80 | payload.length);
    System.arraycopy(payload, 0, frame, 6, payload.length);
    return frame;
  }

  /** Reads until {@code marker} was seen (as ASCII); what was read. Fails at the end of stream. */
  static String readUntil(InputStream in, String marker) throws IOException {
    StringBuilder seen = new StringBuilder();
    while (seen.indexOf(marker) < 0) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection ended before \"" + marker + "\": " + seen);
      }
      seen.append((char) b);
    }
    return seen.toString();
  }
}
