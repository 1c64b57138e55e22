package io.heliosdb.nano.wire.sql;

import io.heliosdb.nano.session.SqlTokens;
import io.heliosdb.nano.session.SqlTokens.Token;
import java.util.List;

/**
 * PostgreSQL clauses that SQLite words differently, as drivers and ORMs send them:
 *
 * <ul>
 *   <li>{@code START TRANSACTION [modes]} and {@code BEGIN [WORK | TRANSACTION] ISOLATION LEVEL ...
 *       | READ WRITE | READ ONLY | [NOT] DEFERRABLE} become {@code BEGIN} (SQLite's transactions
 *       are serializable; the modes change nothing here);
 *   <li>{@code OFFSET n} without LIMIT becomes {@code LIMIT -1 OFFSET n} (SQLite's OFFSET needs a
 *       LIMIT before it);
 *   <li>{@code substring(x FROM a [FOR b])} becomes {@code substr(x, a[, b])}.
 * </ul>
 */
final class PgClauses {
  private static final int MAX_DEPTH = 64;

  private PgClauses() {}

  static String rewrite(String sql) {
    List<Token> t = SqlTokens.ofPostgres(sql);
    if (t.isEmpty()) {
      return sql;
    }
    if (t.get(0).isWord("START") && t.size() > 1 && t.get(1).isWord("TRANSACTION")) {
      return "BEGIN";
    }
    if (t.get(0).isWord("BEGIN") && t.size() > 1 && hasMode(t)) {
      return "BEGIN";
    }
    StringBuilder out = new StringBuilder(sql.length() + 16);
    int copied = 0;
    int depth = 0;
    boolean[] limited = new boolean[MAX_DEPTH]; // per parenthesis depth: each query its own LIMIT
    for (int i = 0; i < t.size(); i++) {
      Token x = t.get(i);
      depth += x.is('(') ? 1 : x.is(')') ? -1 : 0;
      int d = Math.max(0, Math.min(depth, MAX_DEPTH - 1));
      if (x.isWord("LIMIT")) {
        limited[d] = true;
      } else if (x.isWord("SELECT")) {
        limited[d] = false;
      } else if (x.isWord("OFFSET") && !limited[d] && !(i > 0 && t.get(i - 1).is('.'))) {
        out.append(sql, copied, x.start()).append("LIMIT -1 ");
        copied = x.start();
      } else if (x.isWord("substring") && i + 1 < t.size() && t.get(i + 1).is('(')) {
        int close = substringFromFor(t, i + 1);
        if (close > 0) {
          out.append(sql, copied, x.start()).append("substr");
          copied = x.end();
        }
      }
    }
    if (copied == 0) {
      return sql;
    }
    out.append(sql, copied, sql.length());
    return replaceFromFor(out.toString());
  }

  /** Whether a BEGIN carries transaction modes that SQLite does not read. */
  private static boolean hasMode(List<Token> t) {
    for (Token x : t) {
      if (x.isWord("ISOLATION") || x.isWord("READ") || x.isWord("DEFERRABLE") || x.isWord("WORK")) {
        return true;
      }
    }
    return false;
  }

  /** The index of the parenthesis closing {@code substring(x FROM ...)}; -1 when not that form. */
  private static int substringFromFor(List<Token> t, int open) {
    int depth = 0;
    boolean from = false;
    for (int i = open; i < t.size(); i++) {
      Token x = t.get(i);
      depth += x.is('(') ? 1 : x.is(')') ? -1 : 0;
      if (depth == 1 && x.isWord("FROM")) {
        from = true;
      }
      if (depth == 0) {
        return from ? i : -1;
      }
    }
    return -1;
  }

  /** In each {@code substr(...)}: top-level FROM and FOR become commas. */
  private static String replaceFromFor(String sql) {
    List<Token> t = SqlTokens.ofPostgres(sql);
    StringBuilder out = new StringBuilder(sql.length());
    int copied = 0;
    for (int i = 0; i + 1 < t.size(); i++) {
      if (!t.get(i).isWord("substr") || !t.get(i + 1).is('(')) {
        continue;
      }
      int depth = 0;
      for (int j = i + 1; j < t.size(); j++) {
        Token x = t.get(j);
        depth += x.is('(') ? 1 : x.is(')') ? -1 : 0;
        if (depth == 0) {
          break;
        }
        if (depth == 1 && (x.isWord("FROM") || x.isWord("FOR"))) {
          out.append(sql, copied, x.start()).append(',');
          copied = x.end();
        }
      }
    }
    out.append(sql, copied, sql.length());
    return out.toString();
  }
}
