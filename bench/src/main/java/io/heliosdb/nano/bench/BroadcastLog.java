package io.heliosdb.nano.bench;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per broadcast (the payload's sequence number), how many connections received it, the latest
 * arrival, and each connection's latency; written by the pool's selector threads.
 */
final class BroadcastLog implements ListenSession.PayloadSink {
  private final int connections;
  private final AtomicIntegerArray received;
  private final AtomicLongArray lastArrival;
  private final long[] latencies;

  BroadcastLog(int broadcasts, int connections) {
    this.connections = connections;
    received = new AtomicIntegerArray(broadcasts);
    lastArrival = new AtomicLongArray(broadcasts);
    latencies = new long[broadcasts * connections];
    Arrays.fill(latencies, -1);
  }

  @Override
  public void payload(int connection, ByteBuffer buffer, int offset, int length, long now) {
    int b = (int) Payloads.sequence(buffer, offset, length);
    if (b < 0 || b >= lastArrival.length()) {
      return;
    }
    latencies[b * connections + connection] = now - Payloads.sentNanos(buffer, offset, length);
    lastArrival.accumulateAndGet(b, now, Math::max);
    received.incrementAndGet(b); // after the writes above: the main thread reads them after it
  }

  int received(int broadcast) {
    return received.get(broadcast);
  }

  /** The latest arrival of {@code broadcast}; read after {@link #received} reached its count. */
  long lastArrival(int broadcast) {
    return lastArrival.get(broadcast);
  }

  /** Latencies of the deliveries of {@code broadcast} so far, unsorted. */
  long[] latencies(int broadcast) {
    int from = broadcast * connections;
    return Arrays.stream(latencies, from, from + connections).filter(l -> l >= 0).toArray();
  }
}
