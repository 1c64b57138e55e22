package io.heliosdb.nano.wire.limits;

import io.heliosdb.nano.config.HeliosConfig;
import java.util.List;

/**
 * What {@code heliosdb serve} may take of the machine's memory, and how it is split. The total is
 * {@code [server] memory_limit_mb}, or by default {@code [database] memory_limit_mb} plus {@value
 * #DEFAULT_HEADROOM_MB} MiB. Of it, {@value #JVM_FIXED_MB} MiB are the JVM's own (its code, class
 * metadata, garbage collector, thread stacks in use, the libraries mapped: an idle server measures
 * 82 to 97 MB resident with a small heap, of which 6 to 15 MB heap); the rest is split three
 * eighths Java heap, one quarter direct memory (Netty's socket buffers and the messages being
 * received) and three eighths the sessions' memory outside the heap: {@value #LISTENER_KIB} KiB for
 * a session, {@value #CONNECTION_KIB} KiB more while it holds its SQLite connection (with its first
 * pages cached), which a session opens only at its first statement that needs one: a listener that
 * only LISTENs and NOTIFYs never does.
 *
 * <p>The JVM's limits can only be set when it starts: {@link #jvmOptions()} are the options the
 * launcher gives it. Inside the server the budget bounds the sessions admitted ({@link
 * #sessionsThatFit()}) and the SQLite connections they open ({@link #connectionFits}), the bytes of
 * messages being received at once ({@link #messageBytes()}), what prepared statements and portals
 * keep ({@link #preparedBytes()}) and the notifications queued for subscribers ({@link
 * #limitNotificationQueues}). Documented in docs/server.md, "Memory".
 *
 * @param totalMb the whole budget, MiB
 * @param heapMb the Java heap's maximum (-Xmx), MiB
 * @param directMb the direct memory's maximum (-XX:MaxDirectMemorySize), MiB
 * @param sessionsMb the sessions' memory outside the heap (their SQLite connections), MiB
 * @param explicit whether the total was configured ([server] memory_limit_mb) or derived
 */
public record MemoryBudget(
    long totalMb, long heapMb, long directMb, long sessionsMb, boolean explicit) {
  /** The JVM's own memory outside heap and direct memory, as measured on an idle server. */
  public static final int JVM_FIXED_MB = 80;

  /** Added to [database] memory_limit_mb when [server] memory_limit_mb is not given. */
  public static final int DEFAULT_HEADROOM_MB = 128;

  /**
   * The smallest total: 80 MiB for the JVM, 30 heap, 20 direct, 30 for the sessions (80 with a
   * SQLite connection each).
   */
  public static final int MIN_TOTAL_MB = 160;

  /** The largest total accepted (1 TiB, as [database] memory_limit_mb). */
  public static final int MAX_TOTAL_MB = 1_048_576;

  /**
   * The least a session's notification queue gets of the budget: 64 of the largest notifications,
   * some 2,800 of 100 characters.
   */
  public static final int MIN_QUEUE_SHARE_BYTES = 1 << 20;

  /** What a session without its SQLite connection takes (measured: 35.5 KB resident, idle). */
  public static final int LISTENER_KIB = 40;

  /**
   * What a session's SQLite connection adds while it is open (a session with one measured about 300
   * KiB in all, counted as 384).
   */
  public static final int CONNECTION_KIB = 344;

  /**
   * The budget from the configuration.
   *
   * @param serverMemoryLimitMb [server] memory_limit_mb, or null when not given
   * @param databaseMemoryLimitMb [database] memory_limit_mb (SQLite's cache per connection is a
   *     quarter of it)
   */
  public static MemoryBudget of(Integer serverMemoryLimitMb, int databaseMemoryLimitMb) {
    long total =
        serverMemoryLimitMb != null
            ? serverMemoryLimitMb
            : Math.min(MAX_TOTAL_MB, (long) databaseMemoryLimitMb + DEFAULT_HEADROOM_MB);
    if (total < MIN_TOTAL_MB || total > MAX_TOTAL_MB) {
      throw new IllegalArgumentException(
          total
              + " is out of range: must be from "
              + MIN_TOTAL_MB
              + " to "
              + MAX_TOTAL_MB
              + " (MiB)");
    }
    long rest = total - JVM_FIXED_MB;
    long heap = rest * 3 / 8;
    long direct = rest / 4;
    return new MemoryBudget(total, heap, direct, rest - heap - direct, serverMemoryLimitMb != null);
  }

  /** Sessions that fit in {@link #sessionsMb()} while none holds a SQLite connection. */
  public int sessionsThatFit() {
    return (int) Math.min(Integer.MAX_VALUE, sessionsMb * 1024 / LISTENER_KIB);
  }

  /** Whether {@code connections} SQLite connections fit beside {@code sessions} sessions. */
  public boolean connectionFits(int sessions, int connections) {
    return (long) sessions * LISTENER_KIB + (long) connections * CONNECTION_KIB
        <= sessionsMb * 1024;
  }

  /**
   * Bytes that messages being received (each one larger than the socket's first read) may take at
   * once, across all sessions: half the direct memory, the other half for what is being sent.
   */
  public long messageBytes() {
    return directMb * 1024 * 1024 / 2;
  }

  /**
   * Bytes that the sessions' prepared statements and portals may keep on the heap, all together: a
   * quarter of the heap (each session a quarter of that, {@code wire.PreparedMemory.of}); with the
   * notification queues' half ({@link #notificationBytes()}), the last quarter is for the rows
   * being encoded, the catalog, the sessions' own objects and garbage not yet collected.
   */
  public long preparedBytes() {
    return heapMb * 1024 * 1024 / 4;
  }

  /**
   * What the notifications queued for all subscribers (wire sessions, event streams, WebSockets)
   * may hold together: half the heap, the other half for everything else the server keeps there.
   */
  public long notificationBytes() {
    return heapMb * 1024 * 1024 / 2;
  }

  /**
   * The database's settings with its notification queues inside this budget: all of them together
   * at most {@link #notificationBytes()} (notification_queue_total_bytes); each at most an equal
   * share of that among the sessions admitted, so that many sessions can fill their queues before
   * they reach the total, but at least {@value #MIN_QUEUE_SHARE_BYTES} bytes, to absorb the bursts
   * of a listener that is merely behind (notification_queue_bytes). The configuration's own values
   * when smaller; never below what the configuration must hold (two of the largest notifications).
   *
   * @param maxConnections max_connections: the sessions admitted are those, or fewer when fewer fit
   */
  public HeliosConfig limitNotificationQueues(HeliosConfig config, int maxConnections) {
    long total = notificationBytes();
    int sessions = Math.max(1, Math.min(maxConnections, sessionsThatFit()));
    long share =
        Math.max(
            Math.max(MIN_QUEUE_SHARE_BYTES, total / sessions),
            HeliosConfig.minNotificationQueueBytes(config.maxPayloadBytes()));
    long queueBytes = Math.min(config.notificationQueueBytes(), share);
    long configuredTotal = config.notificationQueueTotalBytes();
    long totalBytes = configuredTotal == 0 ? total : Math.min(configuredTotal, total);
    return config.toBuilder()
        .notificationQueueBytes(queueBytes)
        .notificationQueueTotalBytes(Math.max(totalBytes, queueBytes))
        .build();
  }

  /**
   * The JVM options that enforce the budget: the heap, the direct memory (the JDK's limit, and
   * Netty's own for when it allocates without the JDK's accounting). Options the user gives after
   * these (HELIOSDB_JAVA_OPTS) win.
   */
  public List<String> jvmOptions() {
    return List.of(
        "-Xmx" + heapMb + "m",
        "-XX:MaxDirectMemorySize=" + directMb + "m",
        "-Dio.netty.maxDirectMemory=" + directMb * 1024 * 1024);
  }

  /** Where the total comes from, for messages: "memory_limit_mb = 192". */
  public String source() {
    return explicit
        ? "[server] memory_limit_mb = " + totalMb
        : "[database] memory_limit_mb + " + DEFAULT_HEADROOM_MB + " = " + totalMb;
  }
}
