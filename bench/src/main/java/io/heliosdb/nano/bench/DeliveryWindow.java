package io.heliosdb.nano.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps a publisher at most WINDOW notifications ahead of the slowest client: counts, per sequence
 * number ({@link Payloads#sequence}), the clients that received it, and lets the publisher send
 * sequence {@code s} once sequence {@code s - WINDOW} reached every client. With WINDOW below the
 * server's per-stream queue ({@code queue_size}, 1024), a client that keeps up loses nothing, and
 * the publish rate is what the server delivers to all of them. Written by the pool's selector
 * threads.
 */
final class DeliveryWindow implements ListenSession.PayloadSink {
  private static final int SLOTS = 1 << 16;

  private final int window;
  private final AtomicIntegerArray received = new AtomicIntegerArray(SLOTS);
  private long stalls;

  DeliveryWindow(int window) {
    if (window <= 0 || window >= SLOTS / 2) {
      throw new IllegalArgumentException("window " + window);
    }
    this.window = window;
  }

  @Override
  public void payload(int connection, ByteBuffer buffer, int offset, int length, long now) {
    received.incrementAndGet((int) (Payloads.sequence(buffer, offset, length) & (SLOTS - 1)));
  }

  /**
   * Before sending {@code sequence} (publisher thread): waits until {@code sequence - window}
   * reached all {@code clients}, or {@code timeoutNanos} passed (a lost notification; counted as a
   * stall). Sequences must be sent in order from 0.
   */
  void awaitRoom(long sequence, int clients, long timeoutNanos) {
    received.set((int) (sequence & (SLOTS - 1)), 0); // it last counted sequence - SLOTS
    if (sequence < window) {
      return;
    }
    int slot = (int) ((sequence - window) & (SLOTS - 1));
    long start = System.nanoTime();
    while (received.get(slot) < clients) {
      if (System.nanoTime() - start > timeoutNanos) {
        stalls++;
        return;
      }
      Thread.onSpinWait();
      LockSupport.parkNanos(20_000);
    }
  }

  /** Times the publisher gave up waiting (publisher thread). */
  long stalls() {
    return stalls;
  }
}
