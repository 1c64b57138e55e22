package io.heliosdb.nano.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Per broadcast (the payload's sequence number), how many connections received it, the latest
 * arrival, and every delivery's latency; written by the pool's selector thread alone.
 */
final class BroadcastLog implements ListenSession.PayloadSink {
  private final int connections;
  private final AtomicIntegerArray received;
  private final long[] lastArrival;
  private final long[] latencies;

  BroadcastLog(int broadcasts, int connections) {
    this.connections = connections;
    received = new AtomicIntegerArray(broadcasts);
    lastArrival = new long[broadcasts];
    latencies = new long[broadcasts * connections];
  }

  @Override
  public void payload(int connection, ByteBuffer buffer, int offset, int length, long now) {
    int b = (int) Payloads.sequence(buffer, offset, length);
    if (b < 0 || b >= lastArrival.length) {
      return;
    }
    long sent = Payloads.sentNanos(buffer, offset, length);
    int n = received.get(b);
    if (n < connections) {
      latencies[b * connections + n] = now - sent;
    }
    lastArrival[b] = Math.max(lastArrival[b], now);
    received.lazySet(b, n + 1); // one writer; the main thread reads it
  }

  int received(int broadcast) {
    return received.get(broadcast);
  }

  /** The latest arrival of {@code broadcast}; read after {@link #received} reached its count. */
  long lastArrival(int broadcast) {
    return lastArrival[broadcast];
  }

  /** Latencies of the deliveries of {@code broadcast}, unsorted. */
  long[] latencies(int broadcast) {
    int n = Math.min(received.get(broadcast), connections);
    long[] out = new long[n];
    System.arraycopy(latencies, broadcast * connections, out, 0, n);
    return out;
  }
}
