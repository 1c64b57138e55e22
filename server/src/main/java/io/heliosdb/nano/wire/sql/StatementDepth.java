package io.heliosdb.nano.wire.sql;

import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.session.SqlTokens;
import io.heliosdb.nano.session.SqlTokens.Token;
import io.heliosdb.nano.wire.messages.HintedSqlException;
import java.sql.SQLException;

/**
 * Refuses a statement nested deeper than SQLite reads (its expression depth limit, 1000) before the
 * server's own readers of the text, which recurse into parentheses (types, names, casts), see it: a
 * hostile {@code ((((...))))} of 200,000 levels would otherwise overflow their stack. The error is
 * PostgreSQL's for the same statement, 54001.
 */
public final class StatementDepth {
  /** SQLite's SQLITE_MAX_EXPR_DEPTH: no deeper statement would run anyway. */
  public static final int MAX_DEPTH = 1000;

  private StatementDepth() {}

  /**
   * @throws SQLException 54001 when parentheses outside literals nest deeper than {@link
   *     #MAX_DEPTH}
   */
  public static void check(String sql) throws SQLException {
    if (count(sql) <= MAX_DEPTH) {
      return; // cannot nest deeper than it has parentheses: no need to read it
    }
    int depth = 0;
    for (Token t : SqlTokens.of(sql)) {
      if (t.is('(') && ++depth > MAX_DEPTH) {
        throw tooDeep();
      } else if (t.is(')')) {
        depth = Math.max(0, depth - 1);
      }
    }
  }

  /** The error for a statement too deep for a reader that ran out of stack. */
  public static SQLException tooDeep() {
    return new HintedSqlException(
        SqlState.STATEMENT_TOO_COMPLEX,
        "stack depth limit exceeded",
        "The statement nests expressions deeper than " + MAX_DEPTH + " levels.",
        null);
  }

  private static int count(String sql) {
    int n = 0;
    for (int i = 0; i < sql.length(); i++) {
      if (sql.charAt(i) == '(') {
        n++;
      }
    }
    return n;
  }
}
