package io.heliosdb.nano.wire.limits;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * How many sessions the process's open-file limit ({@code ulimit -n}) leaves room for. Each session
 * holds its socket and its own SQLite connection: with a database file that is the file and its WAL
 * as well (the shared-memory index is one descriptor for all). Beyond the limit {@code accept()}
 * fails and clients hang without an answer, so the server admits no more sessions than fit and
 * refuses the next with 53300, keeping a reserve for the connections it is refusing.
 */
final class DescriptorBudget {
  /** Descriptors kept free for connections being refused, log files, the JVM's own. */
  static final int RESERVE = 256;

  private DescriptorBudget() {}

  /** Descriptors one session holds. */
  static int perSession(boolean fileDatabase) {
    return fileDatabase ? 3 : 1;
  }

  /** Sessions that fit beside what is open now; {@link Integer#MAX_VALUE} when unknown. */
  static int sessionsThatFit(boolean fileDatabase) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (!(os instanceof UnixOperatingSystemMXBean unix)) {
      return Integer.MAX_VALUE;
    }
    long max = unix.getMaxFileDescriptorCount();
    long open = unix.getOpenFileDescriptorCount();
    long fit = (max - open - RESERVE) / perSession(fileDatabase);
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, fit));
  }

  /** The open-file limit, or -1 when unknown. */
  static long limit() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
  }
}
