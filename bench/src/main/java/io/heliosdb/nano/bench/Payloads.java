package io.heliosdb.nano.bench;

/** Test payloads: ASCII, so that characters and UTF-8 bytes agree. */
final class Payloads {
  private Payloads() {}

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
