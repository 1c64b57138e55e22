package io.heliosdb.nano.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One listening connection's protocol, driven by {@link ListenerPool}'s selector thread: what to
 * write next, and parsing whatever the server sent. Not thread-safe: the selector thread alone
 * calls it.
 */
interface ListenSession {
  /** Bytes to write next (startup, then the LISTENs or the SUBSCRIBE), or null for none. */
  ByteBuffer nextOutput();

  /**
   * Consumes the complete messages in {@code in} (read mode), leaving a partial one in place, and
   * hands each notification's payload to {@code sink}.
   */
  void consume(ByteBuffer in, int connection, long nowNanos, PayloadSink sink) throws IOException;

  /** Asks for more channels; {@link #ready()} is false until the server acknowledged them all. */
  void addChannels(List<String> channels);

  /** Logged in and every requested channel acknowledged. */
  boolean ready();

  /** Receives notification payloads: bytes {@code [offset, offset + length)} of {@code buffer}. */
  @FunctionalInterface
  interface PayloadSink {
    void payload(int connection, ByteBuffer buffer, int offset, int length, long nowNanos);
  }
}
