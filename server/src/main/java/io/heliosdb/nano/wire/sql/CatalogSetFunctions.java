package io.heliosdb.nano.wire.sql;

import io.heliosdb.nano.session.SqlTokens.Token;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * PostgreSQL's set-returning functions in catalog queries, for SQLite (part of {@link
 * CatalogForms}): {@code generate_series(a, b) s(n)}, {@code unnest(arr) x} and {@code
 * pg_partition_ancestors(rel)} in FROM become subqueries; {@code
 * information_schema._pg_expandarray(arr)}, {@code unnest(arr)} and {@code generate_subscripts(arr,
 * 1)} in a select list become columns of a {@code json_each} of the array joined to that SELECT.
 */
final class CatalogSetFunctions {
  private static final String EXPAND = "_pg_expandarray";

  private CatalogSetFunctions() {}

  static String translate(String text) {
    return expandArray(fromFunctions(generateSeries(text)));
  }

  /** {@code generate_series(a, b) [AS] s(n)}: a recursive subquery named s with column n. */
  private static String generateSeries(String text) {
    List<Token> t = CatalogForms.tokens(text);
    for (int i = 0; i + 1 < t.size(); i++) {
      if (!CatalogForms.call(t, i, "generate_series") || !inFrom(t, i)) {
        continue;
      }
      int close = CatalogForms.closing(t, i + 1);
      if (close < 0) {
        return text;
      }
      List<String> args = CatalogForms.arguments(text, t, i + 1, close);
      int k = close + 1;
      if (k < t.size() && t.get(k).isWord("AS")) {
        k++;
      }
      String alias = "generate_series";
      String column = "generate_series";
      int end = t.get(close).end();
      if (k < t.size() && PgCasts.isName(t.get(k)) && !isClauseWord(t.get(k))) {
        alias = t.get(k).text();
        column = alias;
        end = t.get(k).end();
        if (k + 3 < t.size() && t.get(k + 1).is('(') && t.get(k + 3).is(')')) {
          column = t.get(k + 2).text();
          end = t.get(k + 3).end();
        }
      }
      if (args.size() != 2) {
        return text;
      }
      String series =
          "(WITH RECURSIVE heliosdb_series(v) AS (SELECT ("
              + args.get(0)
              + ") UNION ALL SELECT v + 1 FROM heliosdb_series WHERE v < ("
              + args.get(1)
              + ")) SELECT v AS "
              + column
              + " FROM heliosdb_series) AS "
              + alias;
      return generateSeries(text.substring(0, t.get(i).start()) + series + text.substring(end));
    }
    return text;
  }

  /**
   * In FROM, {@code unnest(arr) [AS] x} becomes a subquery of the elements named x, and {@code
   * pg_partition_ancestors(rel) [WITH ORDINALITY] [AS] a(relid, depth)} one row, the relation
   * itself (no table here is a partition); elsewhere {@code pg_partition_ancestors(rel)} is rel.
   */
  private static String fromFunctions(String text) {
    List<Token> t = CatalogForms.tokens(text);
    for (int i = 0; i + 1 < t.size(); i++) {
      boolean unnest = CatalogForms.call(t, i, "unnest");
      boolean ancestors = CatalogForms.call(t, i, "pg_partition_ancestors");
      if (!(unnest && inFrom(t, i)) && !ancestors) {
        continue;
      }
      int close = CatalogForms.closing(t, i + 1);
      if (close < 0) {
        return text;
      }
      String arg = text.substring(t.get(i + 1).end(), t.get(close).start()).strip();
      if (ancestors && !inFrom(t, i)) {
        return fromFunctions(
            text.substring(0, t.get(i).start())
                + "CAST("
                + arg
                + " AS INTEGER)"
                + text.substring(t.get(close).end()));
      }
      int k = close + 1;
      if (k + 1 < t.size() && t.get(k).isWord("WITH") && t.get(k + 1).isWord("ORDINALITY")) {
        k += 2;
      }
      if (k < t.size() && t.get(k).isWord("AS")) {
        k++;
      }
      if (k >= t.size() || !PgCasts.isName(t.get(k)) || isClauseWord(t.get(k))) {
        return text;
      }
      String alias = t.get(k).text();
      List<String> columns = List.of(alias);
      int end = k;
      if (k + 1 < t.size() && t.get(k + 1).is('(')) {
        end = CatalogForms.closing(t, k + 1);
        columns = CatalogForms.arguments(text, t, k + 1, end);
      }
      String sub =
          unnest
              ? "(SELECT value AS "
                  + columns.get(0)
                  + (columns.size() > 1 ? ", key + 1 AS " + columns.get(1) : "")
                  + " FROM json_each(heliosdb_array_json("
                  + arg
                  + "))) AS "
                  + alias
              : "(SELECT ("
                  + arg
                  + ") AS "
                  + columns.get(0)
                  + (columns.size() > 1 ? ", 1 AS " + columns.get(1) : "")
                  + ") AS "
                  + alias;
      return fromFunctions(
          text.substring(0, t.get(i).start()) + sub + text.substring(t.get(end).end()));
    }
    return text;
  }

  /** Whether token {@code i} is in a FROM clause (FROM or JOIN is the nearest clause word). */
  private static boolean inFrom(List<Token> t, int i) {
    int depth = 0;
    for (int k = i - 1; k >= 0; k--) {
      Token w = t.get(k);
      if (w.is(')')) {
        depth++;
      } else if (w.is('(')) {
        if (--depth < 0) {
          return false;
        }
      } else if (depth == 0 && (w.isWord("FROM") || w.isWord("JOIN"))) {
        return true;
      } else if (depth == 0
          && (w.isWord("SELECT") || w.isWord("WHERE") || w.isWord("ON") || w.isWord("BY"))) {
        return false;
      }
    }
    return false;
  }

  private static boolean isClauseWord(Token t) {
    return Set.of(
            "where", "join", "on", "left", "inner", "cross", "order", "group", "limit", "from")
        .contains(t.text().toLowerCase(Locale.ROOT));
  }

  /**
   * {@code information_schema._pg_expandarray(arr)} in a select list: each use becomes a column of
   * {@code json_each(heliosdb_array_json(arr)) AS heliosdb_ea}, which is joined to the FROM of the
   * same SELECT (before its WHERE, GROUP BY, ORDER BY or closing parenthesis).
   */
  private static String expandArray(String text) {
    List<Token> t = CatalogForms.tokens(text);
    int first = -1;
    String array = null;
    StringBuilder b = new StringBuilder(text.length() + 64);
    int copied = 0;
    for (int i = 0; i + 3 < t.size(); i++) {
      boolean unnest = CatalogForms.call(t, i, "unnest");
      boolean subscripts = CatalogForms.call(t, i, "generate_subscripts");
      if (unnest || subscripts) {
        int close = CatalogForms.closing(t, i + 1);
        if (close < 0) {
          return text;
        }
        List<String> args = CatalogForms.arguments(text, t, i + 1, close);
        if (array != null && !array.equals(args.get(0))) {
          return text;
        }
        array = args.get(0);
        first = first < 0 ? i : first;
        b.append(text, copied, t.get(i).start())
            .append(
                unnest
                    ? "heliosdb_ea.value"
                    : "(heliosdb_ea.key + CASE WHEN (" + array + ") LIKE '{%' THEN 1 ELSE 0 END)");
        copied = t.get(close).end();
        i = close;
        continue;
      }
      if (!(t.get(i).isWord("information_schema")
          && t.get(i + 1).is('.')
          && t.get(i + 2).isWord(EXPAND)
          && t.get(i + 3).is('('))) {
        continue;
      }
      int close = CatalogForms.closing(t, i + 3);
      if (close < 0) {
        return text;
      }
      String arg = text.substring(t.get(i + 3).end(), t.get(close).start()).strip();
      if (array != null && !array.equals(arg)) {
        return text; // two different arrays: left for SQLite to refuse (0A000)
      }
      array = arg;
      int start = i;
      int end = close;
      String replacement = "heliosdb_ea.value";
      // (information_schema._pg_expandarray(arr)).n or .x
      if (i > 0
          && t.get(i - 1).is('(')
          && close + 3 < t.size()
          && t.get(close + 1).is(')')
          && t.get(close + 2).is('.')) {
        String field = t.get(close + 3).text().toLowerCase(Locale.ROOT);
        start = i - 1;
        end = close + 3;
        replacement = field.equals("n") ? "(heliosdb_ea.key + 1)" : "heliosdb_ea.value";
      }
      if (first < 0) {
        first = start;
      }
      b.append(text, copied, t.get(start).start()).append(replacement);
      copied = t.get(end).end();
      i = end;
    }
    if (array == null) {
      return text;
    }
    b.append(text, copied, text.length());
    String out = b.toString();
    String join = ", json_each(heliosdb_array_json(" + array + ")) AS heliosdb_ea ";
    int at = fromEnd(out, first);
    if (at < 0) {
      return text;
    }
    return fieldSelections(out.substring(0, at) + join + out.substring(at));
  }

  /**
   * Where the FROM clause of the SELECT at token position {@code from} ends: the offset of its
   * WHERE, GROUP, ORDER, LIMIT or closing ')' at the same depth, or -1.
   */
  private static int fromEnd(String text, int tokenFrom) {
    List<Token> t = CatalogForms.tokens(text);
    int depth = 0;
    boolean inFrom = false;
    for (int i = tokenFrom; i < t.size(); i++) {
      Token k = t.get(i);
      if (k.is('(')) {
        depth++;
      } else if (k.is(')')) {
        if (depth == 0) {
          return inFrom ? k.start() : -1;
        }
        depth--;
      } else if (depth == 0 && k.isWord("FROM")) {
        inFrom = true;
      } else if (depth == 0
          && inFrom
          && (k.isWord("WHERE") || k.isWord("GROUP") || k.isWord("ORDER") || k.isWord("LIMIT"))) {
        return k.start();
      }
    }
    return inFrom ? text.length() : -1;
  }

  /** {@code (alias.col).x}: the column, the element of an expanded array. */
  private static String fieldSelections(String text) {
    List<Token> t = CatalogForms.tokens(text);
    StringBuilder b = new StringBuilder(text.length());
    int copied = 0;
    for (int i = 0; i + 5 < t.size(); i++) {
      if (t.get(i).is('(')
          && PgCasts.isName(t.get(i + 1))
          && t.get(i + 2).is('.')
          && PgCasts.isName(t.get(i + 3))
          && t.get(i + 4).is(')')
          && t.get(i + 5).is('.')
          && i + 6 < t.size()
          && t.get(i + 6).isWord("x")) {
        b.append(text, copied, t.get(i).start());
        b.append(text, t.get(i + 1).start(), t.get(i + 3).end());
        copied = t.get(i + 6).end();
        i += 6;
      }
    }
    return b.append(text, copied, text.length()).toString();
  }
}
