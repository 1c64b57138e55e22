package io.heliosdb.nano.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client of the HTTP gateway (RFC 6455), read directly: the upgrade request to {@code
 * GET /ws}, the 101 head (its {@code Sec-WebSocket-Accept} checked), then one masked text frame
 * {@code {"op":"subscribe","channels":[...],"ref":"N"}} per batch of channels, and the server's
 * unmasked frames parsed in place. {@code "op":"notification"} hands the raw text of its {@code
 * payload} string to the sink (the benchmark payloads need no JSON escapes), {@code
 * "op":"overflow"} adds its {@code dropped} to the {@link OverflowLog}, {@code "subscribed"} counts
 * an acknowledgement, {@code "error"} fails the connection; pings are answered with a masked pong
 * carrying the same bytes. Messages are found by substring ({@code "key":}), not a JSON parser,
 * which 1,000 connections at 100,000s of messages/s would feel.
 */
final class WsListenSession implements ListenSession {
  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private final OverflowLog overflows;
  private final String accept;
  private final ArrayDeque<ByteBuffer> output = new ArrayDeque<>();
  private List<String> pending;
  private boolean upgraded;
  private int awaitedAcks;
  private int ref;

  WsListenSession(String host, List<String> channels, OverflowLog overflows) {
    this.overflows = overflows;
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String key = Base64.getEncoder().encodeToString(nonce);
    accept = acceptOf(key);
    output.add(
        ByteBuffer.wrap(
            ("GET /ws HTTP/1.1\r\nHost: "
                    + host
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                    + key
                    + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII)));
    pending = List.copyOf(channels);
  }

  @Override
  public ByteBuffer nextOutput() {
    if (upgraded && pending != null) {
      StringBuilder json = new StringBuilder("{\"op\":\"subscribe\",\"channels\":[");
      for (int i = 0; i < pending.size(); i++) {
        json.append(i == 0 ? "\"" : ",\"").append(pending.get(i)).append('"');
      }
      json.append("],\"ref\":\"").append(++ref).append("\"}");
      output.add(frame(1, json.toString().getBytes(StandardCharsets.UTF_8)));
      awaitedAcks++;
      pending = null;
    }
    return output.poll();
  }

  @Override
  public void consume(ByteBuffer in, int connection, long nowNanos, PayloadSink sink)
      throws IOException {
    if (!upgraded) {
      HttpHead head = HttpHead.take(in);
      if (head == null) {
        return;
      }
      if (head.status() != 101) {
        throw new IOException(head.statusLine());
      }
      if (!accept.equals(head.header("Sec-WebSocket-Accept"))) {
        throw new IOException("wrong Sec-WebSocket-Accept: " + head.header("Sec-WebSocket-Accept"));
      }
      upgraded = true;
    }
    while (in.remaining() >= 2) {
      int p = in.position();
      int b0 = in.get(p) & 0xff;
      int b1 = in.get(p + 1) & 0xff;
      if ((b1 & 0x80) != 0) {
        throw new IOException("the server masked a frame");
      }
      long length = b1 & 0x7f;
      int header = 2;
      if (length == 126) {
        if (in.remaining() < 4) {
          return;
        }
        length = in.getShort(p + 2) & 0xffff;
        header = 4;
      } else if (length == 127) {
        if (in.remaining() < 10) {
          return;
        }
        length = in.getLong(p + 2);
        header = 10;
      }
      if (in.remaining() < header + length) {
        return; // ListenerPool grows its buffer when a frame does not fit
      }
      int from = p + header;
      int to = (int) (from + length);
      int opcode = b0 & 0x0f;
      if ((b0 & 0x80) == 0 || opcode == 0) {
        throw new IOException("a fragmented message (opcode " + opcode + "): not expected");
      }
      switch (opcode) {
        case 1 -> message(in, from, to, connection, nowNanos, sink);
        case 8 -> throw new IOException("the server closed the WebSocket: " + text(in, from, to));
        case 9 -> {
          byte[] data = new byte[to - from];
          in.get(from, data);
          output.add(frame(10, data));
        }
        default -> {
          // pong, binary: nothing to do
        }
      }
      in.position(to);
    }
  }

  private void message(ByteBuffer in, int from, int to, int connection, long now, PayloadSink sink)
      throws IOException {
    int op = valueOf(in, from, to, "\"op\":");
    if (op < 0 || in.get(op) != '"') {
      throw new IOException("a message without op: " + text(in, from, to));
    }
    switch (in.get(op + 1)) {
      case 'n' -> { // notification, notified
        if (in.get(op + 7) == 'c') { // "notifi-c-ation"
          int payload = valueOf(in, from, to, "\"payload\":");
          if (payload < 0 || in.get(payload) != '"') {
            throw new IOException("a notification without a payload: " + text(in, from, to));
          }
          int end = payload + 1;
          while (end < to && in.get(end) != '"') {
            end += in.get(end) == '\\' ? 2 : 1;
          }
          sink.payload(connection, in, payload + 1, end - payload - 1, now);
        }
      }
      case 'o' -> { // overflow
        int n = valueOf(in, from, to, "\"dropped\":");
        int end = n;
        while (n >= 0 && end < to && Character.isDigit(in.get(end))) {
          end++;
        }
        overflows.overflow(n < 0 || end == n ? 0 : Payloads.parseLong(in, n, end));
      }
      case 's' -> awaitedAcks--; // subscribed
      case 'e' -> throw new IOException("server error: " + text(in, from, to));
      default -> {
        // unsubscribed, and what may come
      }
    }
  }

  /** Where the value of {@code key} (e.g. {@code "op":}) starts in [from, to), or -1. */
  private static int valueOf(ByteBuffer in, int from, int to, String key) {
    int n = key.length();
    outer:
    for (int i = from; i + n <= to; i++) {
      for (int k = 0; k < n; k++) {
        if (in.get(i + k) != key.charAt(k)) {
          continue outer;
        }
      }
      int v = i + n;
      while (v < to && in.get(v) == ' ') {
        v++;
      }
      return v < to ? v : -1;
    }
    return -1;
  }

  /** A masked client frame. */
  private static ByteBuffer frame(int opcode, byte[] data) {
    int n = data.length;
    ByteBuffer f = ByteBuffer.allocate(14 + n);
    f.put((byte) (0x80 | opcode));
    if (n < 126) {
      f.put((byte) (0x80 | n));
    } else if (n < 65536) {
      f.put((byte) (0x80 | 126)).putShort((short) n);
    } else {
      f.put((byte) (0x80 | 127)).putLong(n);
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    f.put(mask);
    for (int i = 0; i < n; i++) {
      f.put((byte) (data[i] ^ mask[i & 3]));
    }
    return f.flip();
  }

  @Override
  public void addChannels(List<String> channels) {
    List<String> all = new java.util.ArrayList<>(channels);
    if (pending != null) {
      all.addAll(0, pending);
    }
    pending = all;
  }

  @Override
  public boolean ready() {
    return upgraded && pending == null && awaitedAcks == 0 && output.isEmpty();
  }

  private static String text(ByteBuffer in, int from, int to) {
    byte[] b = new byte[Math.min(to - from, 300)];
    in.get(from, b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static String acceptOf(String key) {
    try {
      byte[] sha1 =
          MessageDigest.getInstance("SHA-1")
              .digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
