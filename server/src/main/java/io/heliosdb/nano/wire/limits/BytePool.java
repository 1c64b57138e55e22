package io.heliosdb.nano.wire.limits;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A number of bytes shared by all sessions, taken and given back as they are used: the memory
 * budget's pools ({@link MessageMemory} for messages being received, {@code wire.PreparedMemory}
 * for what prepared statements and portals keep). Thread-safe.
 */
public class BytePool {
  private final long capacity;
  private final AtomicLong reserved = new AtomicLong();

  public BytePool(long capacity) {
    this.capacity = capacity;
  }

  /** Takes {@code bytes}; false, taking nothing, when they do not fit. */
  public final boolean tryReserve(long bytes) {
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

  /** Takes {@code bytes} whether they fit or not (what must be counted but not refused). */
  public final void reserve(long bytes) {
    reserved.addAndGet(bytes);
  }

  public final void release(long bytes) {
    reserved.addAndGet(-bytes);
  }

  public final long capacity() {
    return capacity;
  }

  /** Bytes taken now. */
  public final long reserved() {
    return reserved.get();
  }
}
