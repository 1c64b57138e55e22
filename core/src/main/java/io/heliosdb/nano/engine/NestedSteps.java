package io.heliosdb.nano.engine;

import java.sql.SQLException;
import org.sqlite.core.CoreStatement;
import org.sqlite.core.DB;

/**
 * Steps prepared statements directly, for SQL run from inside a SQL function on the same
 * connection, where sqlite-jdbc's statement API would open a transaction of its own.
 */
final class NestedSteps {
  private static final int SQLITE_ROW = 100;
  private static final int SQLITE_DONE = 101;

  private NestedSteps() {}

  /** Runs a statement that returns no rows (INSERT, UPDATE, DELETE) to its end. */
  static void run(DB db, CoreStatement st) throws SQLException {
    int rc =
        st.pointer.safeRunInt(
            (d, ptr) -> {
              int r = d.step(ptr);
              d.reset(ptr);
              return r;
            });
    if (rc != SQLITE_DONE) {
      db.throwex(rc);
    }
  }

  /** The first column of the first row of a query that returns one (a count). */
  static long single(DB db, CoreStatement st) throws SQLException {
    long[] value = {0};
    int rc =
        st.pointer.safeRunInt(
            (d, ptr) -> {
              int r = d.step(ptr);
              if (r == SQLITE_ROW) {
                value[0] = d.column_long(ptr, 0);
              }
              d.reset(ptr);
              return r;
            });
    if (rc != SQLITE_ROW) {
      db.throwex(rc);
    }
    return value[0];
  }
}
