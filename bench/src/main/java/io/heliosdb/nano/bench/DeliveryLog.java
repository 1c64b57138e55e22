package io.heliosdb.nano.bench;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the listeners of {@link WireNotifyHarness} received, written by the pool's selector threads
 * (each connection by one): deliveries in all, deliveries read inside the measured window, and the
 * latency (receive minus send {@link System#nanoTime()}) of those sent inside it, up to a fixed
 * number of samples.
 */
final class DeliveryLog implements ListenSession.PayloadSink {
  private final long[] latencies = new long[8_000_000];
  private final long[] perConnection;
  private final LongAdder total = new LongAdder();
  private final LongAdder inWindow = new LongAdder();
  private final AtomicInteger recorded = new AtomicInteger();
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
  public void payload(int connection, ByteBuffer buffer, int offset, int length, long now) {
    total.increment();
    perConnection[connection]++;
    if (now >= windowStart && now < windowEnd) {
      inWindow.increment();
    }
    long sent = Payloads.sentNanos(buffer, offset, length);
    if (sent >= windowStart && sent < windowEnd) {
      int i = recorded.getAndIncrement();
      if (i < latencies.length) {
        latencies[i] = now - sent;
      }
    }
  }

  /** Waits until {@code expected} deliveries arrived, or none arrived for 3 s. */
  void awaitDrained(long expected) {
    long last = -1;
    long lastProgress = System.nanoTime();
    while (total() < expected && System.nanoTime() - lastProgress < 3_000_000_000L) {
      java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
      if (total() != last) {
        last = total();
        lastProgress = System.nanoTime();
      }
    }
  }

  long total() {
    return total.sum();
  }

  long inWindow() {
    return inWindow.sum();
  }

  /** Fewest deliveries to one connection; call after the pool has closed. */
  long fewestPerConnection() {
    return Arrays.stream(perConnection).min().orElse(0);
  }

  /** Sorted latency samples in nanoseconds; call after the pool has closed. */
  long[] sortedLatencies() {
    long[] sorted = Arrays.copyOf(latencies, Math.min(recorded.get(), latencies.length));
    Arrays.sort(sorted);
    return sorted;
  }

  static double percentileMicros(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1000.0;
  }

  /** {@code p50 .. p90 .. p99 .. p99.9 .. max ..} of sorted nanosecond samples, in microseconds. */
  static String percentilesMicros(long[] sorted) {
    return String.format(
        Locale.ROOT,
        "p50 %.0f p90 %.0f p99 %.0f p99.9 %.0f max %.0f",
        percentileMicros(sorted, 0.50),
        percentileMicros(sorted, 0.90),
        percentileMicros(sorted, 0.99),
        percentileMicros(sorted, 0.999),
        percentileMicros(sorted, 1.0));
  }
}
