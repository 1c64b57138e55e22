package io.heliosdb.nano.bench;

import java.nio.ByteBuffer;

/** Test payloads: ASCII, so that characters and UTF-8 bytes agree. */
final class Payloads {
  private Payloads() {}

  /** The wire payload: {@code <send System.nanoTime()>:<sequence>:} padded to {@code bytes}. */
  static String timed(long sentNanos, long sequence, int bytes) {
    StringBuilder b = new StringBuilder(bytes).append(sentNanos).append(':').append(sequence);
    b.append(':');
    while (b.length() < bytes) {
      b.append('x');
    }
    return b.toString();
  }

  /** The send time of a {@link #timed} payload at {@code offset} in {@code buffer}. */
  static long sentNanos(ByteBuffer buffer, int offset, int length) {
    return parseLong(buffer, offset, field(buffer, offset, offset + length));
  }

  /** The sequence number of a {@link #timed} payload at {@code offset} in {@code buffer}. */
  static long sequence(ByteBuffer buffer, int offset, int length) {
    int end = offset + length;
    int from = field(buffer, offset, end) + 1;
    return parseLong(buffer, from, field(buffer, from, end));
  }

  private static int field(ByteBuffer buffer, int from, int end) {
    int i = from;
    while (i < end && buffer.get(i) != ':') {
      i++;
    }
    return i;
  }

  /** The ASCII decimal number (optionally negative) in bytes {@code [from, to)}. */
  static long parseLong(ByteBuffer buffer, int from, int to) {
    boolean negative = buffer.get(from) == '-';
    long n = 0;
    for (int i = negative ? from + 1 : from; i < to; i++) {
      n = n * 10 + (buffer.get(i) - '0');
    }
    return negative ? -n : n;
  }

  /**
   * {@code count} distinct payloads of exactly {@code bytes} bytes. Distinct, because PostgreSQL's
   * rule delivers identical (channel, payload) pairs of one transaction only once.
   */
  static String[] distinct(int count, int bytes) {
    String[] out = new String[count];
    for (int i = 0; i < count; i++) {
      StringBuilder b = new StringBuilder(bytes).append(i).append(':');
      while (b.length() < bytes) {
        b.append((char) ('a' + b.length() % 26));
      }
      out[i] = b.substring(0, bytes);
    }
    return out;
  }
}
