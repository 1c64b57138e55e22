package io.heliosdb.nano.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.heliosdb.nano.wire.limits.MemoryBudget;
import java.lang.management.ManagementFactory;

/**
 * What the JVM that {@code heliosdb serve} runs in allows, against the {@link MemoryBudget}: the
 * memory line of the start-up output, and a warning when the JVM was started without the budget's
 * limits (for instance {@code java -jar heliosdb.jar serve} without options).
 *
 * @param heapBytes the heap's maximum (Runtime.maxMemory())
 * @param directBytes the direct memory's maximum (-XX:MaxDirectMemorySize, else the heap's)
 */
record JvmMemory(long heapBytes, long directBytes) {
  private static final long MIB = 1024 * 1024;

  /** The JVM this runs in. */
  static JvmMemory current() {
    long heap = Runtime.getRuntime().maxMemory();
    long direct = 0;
    try {
      HotSpotDiagnosticMXBean hotspot =
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      direct = Long.parseLong(hotspot.getVMOption("MaxDirectMemorySize").getValue());
    } catch (RuntimeException e) {
      // not HotSpot: the JDK's default applies
    }
    // 0, the default, means as large as the heap may grow (the JDK's rule).
    return new JvmMemory(heap, direct > 0 ? direct : heap);
  }

  /**
   * "heliosdb: memory budget 192 MiB ([database] memory_limit_mb + 128 = 192): heap 48 MiB, direct
   * memory 32 MiB, up to 128 sessions".
   */
  String startLine(MemoryBudget budget, int sessions) {
    return "heliosdb: memory budget "
        + budget.totalMb()
        + " MiB ("
        + budget.source()
        + "): heap "
        + heapBytes / MIB
        + " MiB, direct memory "
        + directBytes / MIB
        + " MiB, up to "
        + sessions
        + " sessions";
  }

  /**
   * The warning when this JVM allows more heap or direct memory than the budget (a tenth more:
   * Runtime.maxMemory() is a little below -Xmx with some collectors), else null.
   */
  String warning(MemoryBudget budget) {
    long heap = budget.heapMb() * MIB;
    long direct = budget.directMb() * MIB;
    if (heapBytes <= heap + heap / 10 && directBytes <= direct + direct / 10) {
      return null;
    }
    return "WARNING: this JVM allows a heap of "
        + heapBytes / MIB
        + " MiB and "
        + directBytes / MIB
        + " MiB of direct memory, more than the memory budget's "
        + budget.heapMb()
        + " and "
        + budget.directMb()
        + " MiB ("
        + budget.source()
        + "): start it with ./heliosdb serve, or give java "
        + String.join(" ", budget.jvmOptions());
  }
}
