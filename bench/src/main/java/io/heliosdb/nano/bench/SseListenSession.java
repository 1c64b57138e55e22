package io.heliosdb.nano.bench;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A Server-Sent Events client of the HTTP gateway, read directly: one {@code GET
 * /channels/{channel}/events} (or {@code /events?channel=a&channel=b}), a 200 head, then the
 * chunked body, decoded into a buffer of its own and cut into events. An event named after a
 * channel hands its {@code data:} to the sink (one line: the benchmark payloads have no line
 * breaks); {@code event: overflow} adds its {@code dropped} count to the {@link OverflowLog};
 * comments ({@code : connected}, {@code : heartbeat}) are skipped. Ready once {@code : connected}
 * arrived: the server subscribes the stream before it writes the head.
 */
final class SseListenSession implements ListenSession {
  private static final byte[] EVENT = ascii("event: ");
  private static final byte[] DATA = ascii("data: ");
  private static final byte[] OVERFLOW = ascii("overflow");
  private static final byte[] CONNECTED = ascii(": connected");

  private final OverflowLog overflows;
  private ByteBuffer output;
  private ByteBuffer body = ByteBuffer.allocate(1024);
  private boolean headDone;
  private boolean chunked;
  private boolean connected;

  /** Bytes of chunk data still to come; -1 before a size line, -2 before a chunk's CRLF. */
  private long chunkLeft = -1;

  SseListenSession(String host, List<String> channels, OverflowLog overflows) {
    this.overflows = overflows;
    String path;
    if (channels.size() == 1) {
      path = "/channels/" + encode(channels.get(0)) + "/events";
    } else {
      StringBuilder b = new StringBuilder("/events");
      for (String c : channels) {
        b.append(b.length() == 7 ? '?' : '&').append("channel=").append(encode(c));
      }
      path = b.toString();
    }
    output = ByteBuffer.wrap(ascii("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n"));
  }

  @Override
  public ByteBuffer nextOutput() {
    ByteBuffer out = output;
    output = null;
    return out;
  }

  @Override
  public void consume(ByteBuffer in, int connection, long nowNanos, PayloadSink sink)
      throws IOException {
    if (!headDone) {
      HttpHead head = HttpHead.take(in);
      if (head == null) {
        return;
      }
      if (head.status() != 200) {
        throw new IOException(head.statusLine() + ": " + rest(in));
      }
      headDone = true;
      chunked = "chunked".equalsIgnoreCase(head.header("Transfer-Encoding"));
    }
    while (true) {
      boolean full = decode(in);
      body.flip();
      events(connection, nowNanos, sink);
      body.compact();
      if (!full) {
        return;
      }
      if (!body.hasRemaining()) {
        body = ByteBuffer.allocate(body.capacity() * 2).put(body.flip());
      }
    }
  }

  /**
   * Moves body bytes from {@code in} to {@link #body}; true when it stopped because body is full.
   */
  private boolean decode(ByteBuffer in) throws IOException {
    while (in.hasRemaining()) {
      if (!body.hasRemaining()) {
        return true;
      }
      if (!chunked) {
        copy(in, Math.min(in.remaining(), body.remaining()));
      } else if (chunkLeft == -1) {
        int p = in.position();
        int nl = p;
        while (nl < in.limit() && in.get(nl) != '\n') {
          nl++;
        }
        if (nl == in.limit()) {
          return false; // a partial size line
        }
        long size = 0;
        for (int i = p; i < nl; i++) {
          int d = Character.digit(in.get(i), 16);
          if (d < 0) {
            break; // CR or a chunk extension
          }
          size = size * 16 + d;
        }
        if (size == 0) {
          throw new IOException("the server ended the event stream");
        }
        in.position(nl + 1);
        chunkLeft = size;
      } else if (chunkLeft == -2) {
        if (in.remaining() < 2) {
          return false;
        }
        in.position(in.position() + 2);
        chunkLeft = -1;
      } else {
        int n = (int) Math.min(chunkLeft, Math.min(in.remaining(), body.remaining()));
        copy(in, n);
        chunkLeft -= n;
        if (chunkLeft == 0) {
          chunkLeft = -2;
        }
      }
    }
    return false;
  }

  private void copy(ByteBuffer in, int n) {
    int limit = in.limit();
    in.limit(in.position() + n);
    body.put(in);
    in.limit(limit);
  }

  /** Dispatches the complete events in {@link #body} (read mode), leaving a partial one. */
  private void events(int connection, long nowNanos, PayloadSink sink) {
    int eventStart = body.position();
    int nameFrom = -1;
    int nameTo = -1;
    int dataFrom = -1;
    int dataTo = -1;
    int line = eventStart;
    for (int i = eventStart; i < body.limit(); i++) {
      if (body.get(i) != '\n') {
        continue;
      }
      if (i == line) { // a blank line ends the event
        if (dataFrom >= 0) {
          if (nameFrom >= 0 && equals(nameFrom, nameTo, OVERFLOW)) {
            overflows.overflow(dropped(dataFrom, dataTo));
          } else {
            sink.payload(connection, body, dataFrom, dataTo - dataFrom, nowNanos);
          }
        }
        nameFrom = nameTo = dataFrom = dataTo = -1;
        eventStart = i + 1;
      } else if (startsWith(line, i, EVENT)) {
        nameFrom = line + EVENT.length;
        nameTo = i;
      } else if (startsWith(line, i, DATA)) {
        dataFrom = line + DATA.length;
        dataTo = i;
      } else if (!connected && startsWith(line, i, CONNECTED)) {
        connected = true;
      }
      line = i + 1;
    }
    body.position(eventStart);
  }

  /** The number in {@code {"dropped":N}}. */
  private long dropped(int from, int to) {
    int i = from;
    while (i < to && !Character.isDigit(body.get(i))) {
      i++;
    }
    int j = i;
    while (j < to && Character.isDigit(body.get(j))) {
      j++;
    }
    return i == j ? 0 : Payloads.parseLong(body, i, j);
  }

  private boolean startsWith(int from, int to, byte[] prefix) {
    if (to - from < prefix.length) {
      return false;
    }
    for (int k = 0; k < prefix.length; k++) {
      if (body.get(from + k) != prefix[k]) {
        return false;
      }
    }
    return true;
  }

  private boolean equals(int from, int to, byte[] word) {
    return to - from == word.length && startsWith(from, to, word);
  }

  @Override
  public void addChannels(List<String> channels) {
    throw new UnsupportedOperationException("an event stream's channels are fixed when it opens");
  }

  @Override
  public boolean ready() {
    return connected;
  }

  private static String rest(ByteBuffer in) {
    byte[] b = new byte[Math.min(in.remaining(), 200)];
    in.get(in.position(), b);
    return new String(b, StandardCharsets.UTF_8).trim();
  }

  private static String encode(String channel) {
    return URLEncoder.encode(channel, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
