package io.heliosdb.nano.session;

/**
 * Rewrites PostgreSQL's numbered parameters {@code $1 .. $n} to SQLite's {@code ?NNN}, so that the
 * same number binds the same value wherever and however often it appears. Parameters inside string
 * literals, quoted identifiers and comments are left alone. A simple cast right after a parameter
 * ({@code $1::int}, {@code $2::text}: two colons and one word) is dropped, since SQLite does not
 * parse {@code ::}; the value's type then comes from the bound value and SQLite's affinity.
 */
public final class ParameterRewriter {
  private ParameterRewriter() {}

  /** The SQLite text and the highest parameter number used (0 when none). */
  public record Rewritten(String sql, int parameterCount) {}

  /** Rewrites {@code sql}; text without parameters comes back unchanged. */
  public static Rewritten rewrite(String sql) {
    SqlScanner s = new SqlScanner(sql);
    StringBuilder out = null;
    int copied = 0;
    int max = 0;
    for (SqlScanner.Kind k = s.next(); k != SqlScanner.Kind.END; k = s.next()) {
      int number = k == SqlScanner.Kind.WORD ? parameterNumber(s.text()) : 0;
      if (number == 0) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(sql.length());
      }
      out.append(sql, copied, s.start()).append('?').append(number);
      copied = s.position();
      max = Math.max(max, number);
      int castEnd = castEnd(sql, copied);
      if (castEnd > 0) {
        copied = castEnd;
        while (s.position() < castEnd) {
          s.next();
        }
      }
    }
    if (out == null) {
      return new Rewritten(sql, 0);
    }
    return new Rewritten(out.append(sql, copied, sql.length()).toString(), max);
  }

  /** The number of a {@code $N} token, 0 when the token is something else. */
  private static int parameterNumber(String word) {
    if (word.length() < 2 || word.charAt(0) != '$' || word.length() > 6) {
      return 0;
    }
    for (int i = 1; i < word.length(); i++) {
      if (word.charAt(i) < '0' || word.charAt(i) > '9') {
        return 0;
      }
    }
    return Integer.parseInt(word.substring(1));
  }

  /** Where a {@code ::word} cast starting at {@code at} ends, or -1 when there is none. */
  private static int castEnd(String sql, int at) {
    if (!sql.startsWith("::", at)) {
      return -1;
    }
    int end = at + 2;
    while (end < sql.length() && SqlScanner.isWordChar(sql.charAt(end))) {
      end++;
    }
    return end == at + 2 ? -1 : end;
  }
}
