package io.heliosdb.nano.wire;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes that messages being received may take at once, across all sessions ({@link
 * MemoryBudget#messageBytes()}). A message larger than a socket read ({@link #RESERVE_ABOVE}) takes
 * its declared length from here before its body is buffered, and gives it back once the message is
 * decoded or the connection closes; a message that does not fit is refused with FATAL 53200 (out of
 * memory) instead of being buffered. So a few clients sending (or declaring) large messages cannot
 * take the direct memory the other sessions need. Thread-safe.
 */
final class MessageMemory {
  /** No bound: a server without a memory budget (the embedded API, tests). */
  static final MessageMemory UNBOUNDED = new MessageMemory(Long.MAX_VALUE);

  /** Messages up to this size take nothing from the pool: a socket read brings as much anyway. */
  static final int RESERVE_ABOVE = 64 * 1024;

  private final long capacity;
  private final AtomicLong reserved = new AtomicLong();

  MessageMemory(long capacity) {
    this.capacity = capacity;
  }

  /** Takes {@code bytes}; false, taking nothing, when they do not fit. */
  boolean tryReserve(long bytes) {
    while (true) {
      long now = reserved.get();
      if (bytes > capacity - now) {
        return false;
      }
      if (reserved.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  void release(long bytes) {
    reserved.addAndGet(-bytes);
  }

  long capacity() {
    return capacity;
  }

  long reserved() {
    return reserved.get();
  }
}
