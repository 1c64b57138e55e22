package io.heliosdb.nano.net;

import java.lang.management.ManagementFactory;

/**
 * Bytes the current thread allocates while it runs a piece of code (HotSpot's per-thread allocation
 * counter): fuzz tests use it to check that no input makes a parser allocate far more than the
 * input holds.
 */
public final class AllocationMeter {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private AllocationMeter() {}

  /** Something to measure that may throw. */
  public interface Work {
    void run() throws Exception;
  }

  /**
   * The bytes {@code work} allocates on this thread, the least of three runs after a first: the
   * first runs load and initialise what the work needs (classes, method handles spun after a number
   * of calls, allocator caches), which is not the work's own allocation; what the work itself
   * allocates, it allocates on every run. What it throws is thrown on.
   */
  public static long bytesAllocatedBy(Work work) throws Exception {
    work.run();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long before = THREADS.getCurrentThreadAllocatedBytes();
      work.run();
      least = Math.min(least, THREADS.getCurrentThreadAllocatedBytes() - before);
    }
    return least;
  }
}
