package io.heliosdb.nano.wire;

import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.wire.limits.BytePool;
import io.heliosdb.nano.wire.limits.MemoryBudget;
import io.heliosdb.nano.wire.messages.HintedSqlException;
import io.heliosdb.nano.wire.types.PgColumn;
import java.util.List;

/**
 * The heap that prepared statements and portals of the extended protocol keep, across all sessions
 * ({@link MemoryBudget#preparedBytes()}), and for each session ({@link Holdings}). PostgreSQL keeps
 * them in each backend's own memory; here every session shares one heap, so one client parsing
 * hundreds of statements of megabytes each, or binding named portals with large values, would
 * otherwise leave the others none.
 *
 * <p>A named statement or portal takes its estimated size ({@link #statementBytes}, {@link
 * #portalBytes}) when stored and gives it back when closed (Close, its statement closed, the end of
 * the transaction for a portal, the session's end: all paths go through {@link Holdings#give}). It
 * must fit both its session's share ({@link #perSession()}) and what the pool has left; otherwise
 * its Parse or Bind fails with ERROR 53200 and the session goes on. The unnamed statement and
 * portal are counted but never refused: a session has at most one of each, replaced by the next,
 * each bounded by the message cap like the simple Query it stands for, which runs without asking
 * this pool. Thread-safe; a {@link Holdings} is its session's alone.
 */
final class PreparedMemory {
  /** No bound: a server without a memory budget (the embedded API, tests). */
  static final PreparedMemory UNBOUNDED = new PreparedMemory(Long.MAX_VALUE, Long.MAX_VALUE);

  /** What a kept object costs besides its text and values: headers, references, the map entry. */
  private static final int OVERHEAD = 256;

  /** A result column's description besides its name: the record, its type, the list's slot. */
  private static final int COLUMN_OVERHEAD = 64;

  /** A bound value besides its contents: the array's slot, the boxed object's header. */
  private static final int VALUE_OVERHEAD = 24;

  private final BytePool pool;
  private final long perSession;

  PreparedMemory(long capacity, long perSession) {
    this.pool = new BytePool(capacity);
    this.perSession = perSession;
  }

  /**
   * The bound a memory budget sets: {@link MemoryBudget#preparedBytes()}, a quarter per session.
   */
  static PreparedMemory of(MemoryBudget budget) {
    long pool = budget.preparedBytes();
    return new PreparedMemory(pool, pool / 4);
  }

  /**
   * What a prepared statement keeps: its text twice (the rewritten text, and the copy the SQLite
   * statement keeps, or one copy of two bytes a character when not Latin-1), its parameter types
   * and its result columns.
   */
  static long statementBytes(String sql, int parameterTypes, List<PgColumn> columns) {
    long bytes = OVERHEAD + 2L * sql.length() + 4L * parameterTypes;
    if (columns != null) {
      for (PgColumn c : columns) {
        bytes += COLUMN_OVERHEAD + 2L * c.name().length();
      }
    }
    return bytes;
  }

  /** What a portal keeps: its bound values (text two bytes a character) and result formats. */
  static long portalBytes(Object[] values, short[] formats) {
    long bytes = OVERHEAD + 2L * formats.length;
    for (Object v : values) {
      bytes += VALUE_OVERHEAD;
      if (v instanceof byte[] b) {
        bytes += b.length;
      } else if (v instanceof CharSequence s) {
        bytes += 2L * s.length();
      } else if (v != null) {
        bytes += 16; // a number: its digits at most a few words
      }
    }
    return bytes;
  }

  long capacity() {
    return pool.capacity();
  }

  long perSession() {
    return perSession;
  }

  /** Bytes held now by all sessions. */
  long reserved() {
    return pool.reserved();
  }

  /** A new session's holdings, empty. */
  Holdings session() {
    return new Holdings();
  }

  /** What one session's statements and portals hold. Used by the session's executor only. */
  final class Holdings {
    private long named;
    private long unnamed;

    private Holdings() {}

    /**
     * Takes {@code bytes} for {@code what} ("prepared statement \"s1\""), named or not.
     *
     * @throws HintedSqlException 53200 when a named one does not fit
     */
    void take(String what, boolean isNamed, long bytes) throws HintedSqlException {
      if (!isNamed) {
        pool.reserve(bytes);
        unnamed += bytes;
        return;
      }
      if (bytes > perSession - named || !pool.tryReserve(bytes)) {
        throw new HintedSqlException(
            SqlState.OUT_OF_MEMORY,
            "out of memory: "
                + what
                + " would keep about "
                + bytes
                + " bytes, but this session's prepared statements and portals hold "
                + named
                + " of the "
                + perSession
                + " bytes a session may keep, and all sessions' hold "
                + pool.reserved()
                + " of "
                + pool.capacity(),
            "Close the prepared statements and portals no longer needed (Close messages: a driver"
                + " sends them when its statements are closed), or raise [server] memory_limit_mb.",
            null);
      }
      named += bytes;
    }

    /** Gives back what {@link #take} took for a named or unnamed statement or portal. */
    void give(boolean isNamed, long bytes) {
      if (isNamed) {
        named -= bytes;
      } else {
        unnamed -= bytes;
      }
      pool.release(bytes);
    }

    /** Bytes held by this session's named and unnamed statements and portals. */
    long held() {
      return named + unnamed;
    }
  }
}
