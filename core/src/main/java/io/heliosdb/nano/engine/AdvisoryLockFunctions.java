package io.heliosdb.nano.engine;

import java.sql.SQLException;
import org.sqlite.Function;
import org.sqlite.SQLiteConnection;

/**
 * PostgreSQL's advisory-lock functions, each with a bigint key or two int4 keys, held by the
 * session that owns the connection ({@link SessionView#advisoryLock}):
 *
 * <ul>
 *   <li>{@code pg_advisory_lock}, {@code pg_advisory_lock_shared}: wait for the lock, held until
 *       unlocked or the session ends (void);
 *   <li>{@code pg_try_advisory_lock}, {@code pg_try_advisory_lock_shared}: take it if free (bool);
 *   <li>{@code pg_advisory_xact_lock}, {@code pg_advisory_xact_lock_shared}, {@code
 *       pg_try_advisory_xact_lock}, {@code pg_try_advisory_xact_lock_shared}: the same, held until
 *       the transaction ends;
 *   <li>{@code pg_advisory_unlock}, {@code pg_advisory_unlock_shared}: release one session-level
 *       hold (bool; false with a WARNING when not held); {@code pg_advisory_unlock_all()} (void).
 * </ul>
 *
 * Arguments as PostgreSQL takes them: integers, or text that reads as one ({@code '42'}); NULL
 * gives NULL and takes nothing (the functions are strict). Booleans come back as 1 and 0.
 */
final class AdvisoryLockFunctions {
  private static final int INNOCUOUS = 0x200000;
  private static final int SQLITE_INTEGER = 1;
  private static final int SQLITE_FLOAT = 2;
  private static final int SQLITE_TEXT = 3;
  private static final int SQLITE_NULL = 5;

  private enum Kind {
    LOCK,
    TRY,
    UNLOCK
  }

  private AdvisoryLockFunctions() {}

  static void register(SQLiteConnection conn, SessionView session) throws SQLException {
    for (String level : new String[] {"", "xact_"}) {
      for (String mode : new String[] {"", "_shared"}) {
        boolean xact = !level.isEmpty();
        boolean shared = !mode.isEmpty();
        String lock = "pg_advisory_" + level + "lock" + mode;
        create(conn, lock, new Lock(lock, session, Kind.LOCK, shared, xact));
        String tryLock = "pg_try_advisory_" + level + "lock" + mode;
        create(conn, tryLock, new Lock(tryLock, session, Kind.TRY, shared, xact));
      }
    }
    create(
        conn,
        "pg_advisory_unlock",
        new Lock("pg_advisory_unlock", session, Kind.UNLOCK, false, false));
    create(
        conn,
        "pg_advisory_unlock_shared",
        new Lock("pg_advisory_unlock_shared", session, Kind.UNLOCK, true, false));
    Function.create(
        conn,
        "pg_advisory_unlock_all",
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            session.advisoryUnlockAll();
            result();
          }
        },
        0,
        INNOCUOUS);
  }

  private static void create(SQLiteConnection conn, String name, Function f) throws SQLException {
    Function.create(conn, name, f, -1, INNOCUOUS);
  }

  /** One of the lock or unlock functions. */
  private static final class Lock extends Function {
    private final String name;
    private final SessionView session;
    private final Kind kind;
    private final boolean shared;
    private final boolean xact;

    Lock(String name, SessionView session, Kind kind, boolean shared, boolean xact) {
      this.name = name;
      this.session = session;
      this.kind = kind;
      this.shared = shared;
      this.xact = xact;
    }

    @Override
    protected void xFunc() throws SQLException {
      int n = args();
      if (n != 1 && n != 2) {
        error(noSuchFunction());
        return;
      }
      for (int i = 0; i < n; i++) {
        if (value_type(i) == SQLITE_NULL) {
          result(); // strict: NULL in, NULL out, nothing taken
          return;
        }
      }
      long key;
      try {
        key = n == 1 ? bigint(0) : ((long) int4(0) << 32) | (int4(1) & 0xFFFFFFFFL);
      } catch (IllegalArgumentException e) {
        error(e.getMessage());
        return;
      }
      boolean pair = n == 2;
      try {
        switch (kind) {
          case LOCK -> {
            session.advisoryLock(key, pair, shared, xact, true);
            result();
          }
          case TRY -> result(session.advisoryLock(key, pair, shared, xact, false) ? 1 : 0);
          default -> result(session.advisoryUnlock(key, pair, shared) ? 1 : 0);
        }
      } catch (SQLException e) {
        // The statement fails with the message; SqliteErrors gives back its SQLSTATE.
        error(e.getMessage());
      }
    }

    /** Argument {@code i} as a bigint: an integer, or text that reads as one. */
    private long bigint(int i) throws SQLException {
      int type = value_type(i);
      if (type == SQLITE_INTEGER) {
        return value_long(i);
      }
      if (type != SQLITE_TEXT) {
        throw new IllegalArgumentException(noSuchFunction());
      }
      return parse(value_text(i), "bigint", Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** Argument {@code i} as an int4: an integer in range, or text that reads as one. */
    private int int4(int i) throws SQLException {
      int type = value_type(i);
      if (type == SQLITE_INTEGER) {
        long v = value_long(i);
        if (v != (int) v) {
          throw new IllegalArgumentException(noSuchFunction()); // PostgreSQL: (integer, bigint)
        }
        return (int) v;
      }
      if (type != SQLITE_TEXT) {
        throw new IllegalArgumentException(noSuchFunction());
      }
      return (int) parse(value_text(i), "integer", Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    private static long parse(String text, String type, long min, long max) {
      String t = text.strip();
      if (!t.matches("[+-]?[0-9]+")) {
        throw new IllegalArgumentException(
            "invalid input syntax for type " + type + ": \"" + text + "\"");
      }
      try {
        long v = Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
        if (v >= min && v <= max) {
          return v;
        }
      } catch (NumberFormatException e) {
        // out of range: below
      }
      throw new IllegalArgumentException("value \"" + text + "\" is out of range for type " + type);
    }

    /** PostgreSQL's words for arguments no version of the function takes. */
    private String noSuchFunction() throws SQLException {
      StringBuilder b = new StringBuilder("function ").append(name).append('(');
      for (int i = 0; i < args(); i++) {
        b.append(i == 0 ? "" : ", ").append(typeName(i));
      }
      return b.append(") does not exist").toString();
    }

    private String typeName(int i) throws SQLException {
      return switch (value_type(i)) {
        case SQLITE_INTEGER -> value_long(i) == (int) value_long(i) ? "integer" : "bigint";
        case SQLITE_FLOAT -> "numeric";
        case SQLITE_TEXT -> "text";
        case SQLITE_NULL -> "unknown";
        default -> "bytea";
      };
    }
  }
}
