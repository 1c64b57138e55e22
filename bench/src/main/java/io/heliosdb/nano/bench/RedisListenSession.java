package io.heliosdb.nano.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * RESP2 read directly, the Redis counterpart of {@link PgListenSession}: one {@code SUBSCRIBE
 * ch...} command, then {@code ["message", channel, payload]} pushes, each payload handed on as
 * read.
 */
final class RedisListenSession implements ListenSession {
  private final List<String> pending = new ArrayList<>();
  private int awaitedConfirmations;

  RedisListenSession(List<String> channels) {
    pending.addAll(channels);
  }

  @Override
  public ByteBuffer nextOutput() {
    if (pending.isEmpty()) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    b.append('*').append(pending.size() + 1).append("\r\n$9\r\nSUBSCRIBE\r\n");
    for (String channel : pending) {
      b.append('$').append(channel.length()).append("\r\n").append(channel).append("\r\n");
    }
    awaitedConfirmations += pending.size();
    pending.clear();
    return ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public void consume(ByteBuffer in, int connection, long nowNanos, PayloadSink sink)
      throws IOException {
    while (in.hasRemaining()) {
      int end = frame(in, in.position(), connection, nowNanos, sink);
      if (end < 0) {
        return;
      }
      in.position(end);
    }
  }

  /** Handles the frame at {@code p}, returning where it ends, or -1 when it is incomplete. */
  private int frame(ByteBuffer in, int p, int connection, long nowNanos, PayloadSink sink)
      throws IOException {
    int limit = in.limit();
    int eol = lineEnd(in, p, limit);
    if (eol < 0) {
      return -1;
    }
    byte type = in.get(p);
    if (type == '-') {
      byte[] text = new byte[eol - p];
      in.get(p, text);
      throw new IOException("server error: " + new String(text, StandardCharsets.UTF_8));
    }
    if (type != '*') {
      return eol + 2;
    }
    int elements = (int) number(in, p + 1, eol);
    int q = eol + 2;
    int kind = -1;
    int lastOffset = -1;
    int lastLength = 0;
    for (int i = 0; i < elements; i++) {
      int e = lineEnd(in, q, limit);
      if (e < 0) {
        return -1;
      }
      if (in.get(q) == '$') {
        int length = (int) number(in, q + 1, e);
        int start = e + 2;
        if (start + length + 2 > limit) {
          return -1;
        }
        if (i == 0) {
          kind = in.get(start);
        }
        lastOffset = start;
        lastLength = length;
        q = start + length + 2;
      } else {
        q = e + 2;
      }
    }
    if (kind == 'm') {
      sink.payload(connection, in, lastOffset, lastLength, nowNanos);
    } else if (kind == 's') {
      awaitedConfirmations--;
    }
    return q;
  }

  private static int lineEnd(ByteBuffer in, int from, int limit) {
    for (int i = from; i + 1 < limit; i++) {
      if (in.get(i) == '\r' && in.get(i + 1) == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static long number(ByteBuffer in, int from, int to) {
    return Payloads.parseLong(in, from, to);
  }

  @Override
  public void addChannels(List<String> channels) {
    pending.addAll(channels);
  }

  @Override
  public boolean ready() {
    return pending.isEmpty() && awaitedConfirmations == 0;
  }
}
