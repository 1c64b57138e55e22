package io.heliosdb.nano.bench;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What the listeners of {@link WireNotifyHarness} received, written by the pool's selector thread
 * alone: deliveries in all, deliveries read inside the measured window, and the latency (receive
 * minus send {@link System#nanoTime()}) of those sent inside it, up to a fixed number of samples.
 */
final class DeliveryLog implements ListenSession.PayloadSink {
  private final long[] latencies = new long[8_000_000];
  private final long[] perConnection;
  private volatile long total;
  private volatile long inWindow;
  private int recorded;
  private volatile long windowStart = Long.MAX_VALUE;
  private volatile long windowEnd = Long.MAX_VALUE;

  DeliveryLog(int connections) {
    perConnection = new long[connections];
  }

  void window(long start, long end) {
    windowStart = start;
    windowEnd = end;
  }

  @Override
  @SuppressWarnings("NonAtomicVolatileUpdate") // one writer, the selector thread
  public void payload(int connection, ByteBuffer buffer, int offset, int length, long now) {
    total++;
    perConnection[connection]++;
    if (now >= windowStart && now < windowEnd) {
      inWindow++;
    }
    long sent = Payloads.sentNanos(buffer, offset, length);
    if (sent >= windowStart && sent < windowEnd && recorded < latencies.length) {
      latencies[recorded++] = now - sent;
    }
  }

  long total() {
    return total;
  }

  long inWindow() {
    return inWindow;
  }

  /** Fewest deliveries to one connection; call after the pool has closed. */
  long fewestPerConnection() {
    return Arrays.stream(perConnection).min().orElse(0);
  }

  /** Sorted latency samples in nanoseconds; call after the pool has closed. */
  long[] sortedLatencies() {
    long[] sorted = Arrays.copyOf(latencies, recorded);
    Arrays.sort(sorted);
    return sorted;
  }

  static double percentileMicros(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1000.0;
  }
}
