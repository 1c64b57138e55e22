package io.heliosdb.nano.wire.limits;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * How many sessions the process's open-file limit ({@code ulimit -n}) leaves room for. Each session
 * holds its socket; a session's SQLite connection, opened at its first statement that needs one
 * ({@link SqliteConnections}), holds the database file and its WAL as well (the shared-memory index
 * is one descriptor for all). Beyond the limit {@code accept()} fails and clients hang without an
 * answer, so the server admits no more sessions than fit beside room for {@link #CONNECTION_ROOM}
 * connections, refuses the next with 53300, and keeps a reserve for the connections it is refusing.
 */
final class DescriptorBudget {
  /** Descriptors kept free for connections being refused, log files, the JVM's own. */
  static final int RESERVE = 256;

  private DescriptorBudget() {}

  /** Descriptors one session holds: its socket. */
  static final int PER_SESSION = 1;

  /** SQLite connections that admission leaves descriptors for, whatever the sessions take. */
  static final int CONNECTION_ROOM = 64;

  /** Descriptors one session's SQLite connection holds. */
  static int perConnection(boolean fileDatabase) {
    return fileDatabase ? 2 : 0;
  }

  /** Descriptors free beside what is open now and the reserve; {@link Long#MAX_VALUE} unknown. */
  static long free() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (!(os instanceof UnixOperatingSystemMXBean unix)) {
      return Long.MAX_VALUE;
    }
    return unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount() - RESERVE;
  }

  /** Sessions that fit beside what is open now; {@link Integer#MAX_VALUE} when unknown. */
  static int sessionsThatFit(boolean fileDatabase) {
    long free = free();
    if (free == Long.MAX_VALUE) {
      return Integer.MAX_VALUE;
    }
    long fit = (free - (long) CONNECTION_ROOM * perConnection(fileDatabase)) / PER_SESSION;
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, fit));
  }

  /** The open-file limit, or -1 when unknown. */
  static long limit() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
  }
}
