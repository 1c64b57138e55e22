package io.heliosdb.nano.session;

import io.heliosdb.nano.config.Durations;
import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One session's PostgreSQL advisory locks ({@code pg_advisory_lock()} and the rest), in a table
 * shared by every session of this JVM: all connections to one database file (embedded and over the
 * wire) see the same locks; other processes that open the file do not.
 *
 * <p>PostgreSQL's rules: a lock is exclusive or shared; shared holders do not conflict with each
 * other, and a session never conflicts with itself. Each lock is counted per session and per level:
 * session-level locks are reentrant and are released by as many unlocks (or all at once by {@code
 * pg_advisory_unlock_all()} or the end of the session), whatever the transaction does;
 * transaction-level ({@code _xact_}) locks are released when the transaction ends and cannot be
 * unlocked by hand. A bigint key and a pair of int4 keys name different locks, as in PostgreSQL.
 *
 * <p>Waiting: a blocking lock waits until it is granted, the wait is cancelled ({@link #cancel}),
 * or {@code waitMillis} pass (SQLSTATE 55P03); a wait that would close a cycle of sessions waiting
 * for each other's advisory locks fails at once with 40P01. There is no queue: a new shared request
 * is granted while an exclusive one waits for the shared holders to go.
 *
 * <p>All state is guarded by one JVM-wide monitor: advisory locks are taken a few times per
 * transaction, never per row of a hot path.
 */
final class AdvisoryLocks {
  private static final Object TABLE_LOCK = new Object();

  /** The sessions holding each lock; an entry exists while someone holds it. */
  private static final Map<Key, Holders> TABLE = new HashMap<>();

  /**
   * The most locks held at once in this JVM, counting each lock once per session that holds it
   * (about 250 bytes of heap each): PostgreSQL's default lock table holds about 6,400 (64 per
   * connection); a loop that locks every row of a large table fails with 53200 instead of filling
   * the heap.
   */
  static final int MAX_HELD = 16_384;

  /** Entries of all sessions' {@link #held} maps. */
  private static int totalHeld;

  /** Index into a session's counts: session level, exclusive; +1 for shared, +2 for xact. */
  private static final int SHARED = 1;

  private static final int XACT = 2;

  /** A lock's name: its database, and a bigint key or a pair of int4 keys. */
  record Key(String database, long value, boolean pair) {
    String describe() {
      return pair
          ? "advisory lock (" + (int) (value >> 32) + ", " + (int) value + ")"
          : "advisory lock " + value;
    }
  }

  /** Who holds one lock, and how. */
  private static final class Holders {
    final Set<AdvisoryLocks> exclusive = new HashSet<>(2);
    final Set<AdvisoryLocks> shared = new HashSet<>(2);
  }

  private final String database;
  private final int pid;

  /** Counts per lock: session exclusive, session shared, xact exclusive, xact shared. */
  private final Map<Key, int[]> held = new HashMap<>();

  /** Transaction-level locks held (the sum of their counts). */
  private volatile int xactHeld;

  private Key waitingFor;
  private boolean waitingShared;
  private volatile boolean cancelled;

  AdvisoryLocks(String database, int pid) {
    this.database = database;
    this.pid = pid;
  }

  /**
   * Takes a lock. Returns false when {@code waitMillis} is negative (a {@code pg_try_} function)
   * and the lock is held by another session in a conflicting mode.
   *
   * @throws HeliosSqlException 55P03 after waiting {@code waitMillis}, 57014 when cancelled, 40P01
   *     when waiting would deadlock
   */
  boolean lock(long value, boolean pair, boolean shared, boolean xact, long waitMillis)
      throws HeliosSqlException {
    Key key = new Key(database, value, pair);
    synchronized (TABLE_LOCK) {
      if (!blockers(key, shared).isEmpty()) {
        if (waitMillis < 0) {
          return false;
        }
        await(key, shared, waitMillis);
      }
      int[] counts = held.get(key);
      if (counts == null) {
        if (totalHeld >= MAX_HELD) {
          throw new HeliosSqlException(
              SqlState.OUT_OF_MEMORY,
              "out of shared memory: "
                  + MAX_HELD
                  + " advisory locks are held in this process, the most it keeps (this session"
                  + " holds "
                  + held.size()
                  + "); release some with pg_advisory_unlock() or pg_advisory_unlock_all()");
        }
        counts = new int[4];
        held.put(key, counts);
        totalHeld++;
      }
      counts[(xact ? XACT : 0) + (shared ? SHARED : 0)]++;
      Holders h = TABLE.computeIfAbsent(key, k -> new Holders());
      (shared ? h.shared : h.exclusive).add(this);
      if (xact) {
        xactHeld++;
      }
      return true;
    }
  }

  /** Releases one session-level hold; false when this session holds none in that mode. */
  boolean unlock(long value, boolean pair, boolean shared) {
    Key key = new Key(database, value, pair);
    synchronized (TABLE_LOCK) {
      int[] counts = held.get(key);
      int slot = shared ? SHARED : 0;
      if (counts == null || counts[slot] == 0) {
        return false;
      }
      counts[slot]--;
      settle(key, counts);
      if (isEmpty(counts)) {
        held.remove(key);
        totalHeld--;
      }
      TABLE_LOCK.notifyAll();
      return true;
    }
  }

  /** {@code pg_advisory_unlock_all()}: every session-level lock; transaction-level ones stay. */
  void unlockAllSessionLevel() {
    release(false, true);
  }

  /** The transaction ended: its transaction-level locks go. */
  void releaseTransactionLevel() {
    release(true, false);
  }

  /** The session ended: everything goes. */
  void releaseAll() {
    release(true, true);
  }

  /** Whether this session holds transaction-level locks (read on the session's thread). */
  boolean holdsTransactionLevel() {
    return xactHeld > 0;
  }

  /**
   * How long a blocking lock waits: {@code lock_timeout} (a session's setting, as PostgreSQL reads
   * it: milliseconds alone, else with a unit) when above 0, else {@code busyTimeoutMs}, the bound
   * SQLite's own locks wait. PostgreSQL waits without end by default; here the waiting session
   * holds a thread and its SQLite connection, and a wait for a lock whose holder waits for SQLite's
   * write lock held by the waiter would be a deadlock no one breaks.
   */
  static long waitMillis(String lockTimeout, int busyTimeoutMs) {
    long ms = 0;
    if (lockTimeout != null) {
      String v = lockTimeout.strip();
      if (v.length() >= 2 && v.startsWith("'") && v.endsWith("'")) {
        v = v.substring(1, v.length() - 1).strip();
      }
      if (v.matches("[0-9]{1,12}")) {
        ms = Long.parseLong(v);
      } else {
        Duration d = Durations.parse(v);
        ms = d == null ? 0 : d.toMillis();
      }
    }
    return ms > 0 ? ms : busyTimeoutMs;
  }

  /** Locks held in this JVM, each counted once per session holding it (tests). */
  static int heldInThisProcess() {
    synchronized (TABLE_LOCK) {
      return totalHeld;
    }
  }

  /** Whether this session is waiting for a lock now. */
  boolean isWaiting() {
    synchronized (TABLE_LOCK) {
      return waitingFor != null;
    }
  }

  /** Stops a wait of this session (any thread); the next statement clears it. */
  void cancel() {
    cancelled = true;
    synchronized (TABLE_LOCK) {
      TABLE_LOCK.notifyAll();
    }
  }

  /** A new statement starts: an earlier cancel no longer applies. */
  void clearCancel() {
    cancelled = false;
  }

  private void release(boolean xact, boolean session) {
    synchronized (TABLE_LOCK) {
      if (held.isEmpty()) {
        return;
      }
      for (Iterator<Map.Entry<Key, int[]>> it = held.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<Key, int[]> e = it.next();
        int[] counts = e.getValue();
        if (session) {
          counts[0] = 0;
          counts[SHARED] = 0;
        }
        if (xact) {
          counts[XACT] = 0;
          counts[XACT + SHARED] = 0;
        }
        settle(e.getKey(), counts);
        if (isEmpty(counts)) {
          it.remove();
          totalHeld--;
        }
      }
      if (xact) {
        xactHeld = 0;
      }
      TABLE_LOCK.notifyAll();
    }
  }

  /** Updates the table after this session's counts for {@code key} went down. */
  private void settle(Key key, int[] counts) {
    Holders h = TABLE.get(key);
    if (h == null) {
      return;
    }
    if (counts[0] + counts[XACT] == 0) {
      h.exclusive.remove(this);
    }
    if (counts[SHARED] + counts[XACT + SHARED] == 0) {
      h.shared.remove(this);
    }
    if (h.exclusive.isEmpty() && h.shared.isEmpty()) {
      TABLE.remove(key);
    }
  }

  private static boolean isEmpty(int[] counts) {
    return counts[0] + counts[1] + counts[2] + counts[3] == 0;
  }

  /** The other sessions whose holds conflict with this session taking {@code key}. */
  private List<AdvisoryLocks> blockers(Key key, boolean shared) {
    Holders h = TABLE.get(key);
    if (h == null) {
      return List.of();
    }
    List<AdvisoryLocks> out = new ArrayList<>(1);
    for (AdvisoryLocks other : h.exclusive) {
      if (other != this) {
        out.add(other);
      }
    }
    if (!shared) {
      for (AdvisoryLocks other : h.shared) {
        if (other != this && !out.contains(other)) {
          out.add(other);
        }
      }
    }
    return out;
  }

  private void await(Key key, boolean shared, long waitMillis) throws HeliosSqlException {
    waitingFor = key;
    waitingShared = shared;
    try {
      List<AdvisoryLocks> cycle = new ArrayList<>();
      if (closesCycle(this, cycle, new HashSet<>())) {
        throw new HeliosSqlException(
            SqlState.DEADLOCK_DETECTED, "deadlock detected: " + describeCycle(cycle));
      }
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
      List<AdvisoryLocks> blockers;
      while (!(blockers = blockers(key, shared)).isEmpty()) {
        if (cancelled) {
          throw new HeliosSqlException(
              SqlState.QUERY_CANCELED, "canceling statement due to user request");
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new HeliosSqlException(
              SqlState.LOCK_NOT_AVAILABLE,
              "canceling statement due to lock timeout: "
                  + mode(shared)
                  + " on "
                  + key.describe()
                  + " not granted within "
                  + waitMillis
                  + " ms ("
                  + pids(blockers)
                  + " holds it; the wait is lock_timeout, or [database] busy_timeout_ms when"
                  + " lock_timeout is 0)");
        }
        TimeUnit.NANOSECONDS.timedWait(TABLE_LOCK, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HeliosSqlException(
          SqlState.QUERY_CANCELED, "canceling statement due to user request");
    } finally {
      waitingFor = null;
    }
  }

  /**
   * Whether the sessions {@code at} waits for lead, through their own waits, back to this session;
   * {@code path} then describes the cycle. Every cycle is found by the wait that closes it.
   */
  private boolean closesCycle(AdvisoryLocks at, List<AdvisoryLocks> path, Set<AdvisoryLocks> seen) {
    path.add(at);
    for (AdvisoryLocks b : at.blockers(at.waitingFor, at.waitingShared)) {
      if (b == this || (b.waitingFor != null && seen.add(b) && closesCycle(b, path, seen))) {
        return true;
      }
    }
    path.remove(path.size() - 1);
    return false;
  }

  /** Each session of the cycle, what it waits for and who holds it (the next one, then this). */
  private String describeCycle(List<AdvisoryLocks> cycle) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cycle.size(); i++) {
      AdvisoryLocks waiter = cycle.get(i);
      AdvisoryLocks holder = i + 1 < cycle.size() ? cycle.get(i + 1) : this;
      b.append(i == 0 ? "" : "; ")
          .append("process ")
          .append(waiter.pid)
          .append(" waits for ")
          .append(mode(waiter.waitingShared))
          .append(" on ")
          .append(waiter.waitingFor.describe())
          .append(", held by process ")
          .append(holder.pid);
    }
    return b.toString();
  }

  private static String mode(boolean shared) {
    return shared ? "ShareLock" : "ExclusiveLock";
  }

  private static String pids(List<AdvisoryLocks> sessions) {
    StringBuilder b = new StringBuilder(sessions.size() == 1 ? "process " : "processes ");
    for (int i = 0; i < sessions.size(); i++) {
      b.append(i == 0 ? "" : ", ").append(sessions.get(i).pid);
    }
    return b.toString();
  }
}
