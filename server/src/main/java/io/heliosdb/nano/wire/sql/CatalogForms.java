package io.heliosdb.nano.wire.sql;

import io.heliosdb.nano.session.SqlTokens;
import io.heliosdb.nano.session.SqlTokens.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * PostgreSQL forms of the catalog queries drivers and psql send, written for SQLite on tokens
 * ({@link SqlTokens#ofPostgres}), in statements that read the emulated catalog:
 *
 * <ul>
 *   <li>{@code COLLATE pg_catalog.default} is dropped;
 *   <li>{@code trim(both 'x' from e)} becomes {@code trim(e, 'x')} (leading, trailing: ltrim,
 *       rtrim); {@code substring(s from a for b)} {@code substr(s, a, b)};
 *   <li>{@code generate_series(a, b) AS s(n)} in FROM becomes a recursive subquery of the same name
 *       and column (SQLite as sqlite-jdbc builds it has no generate_series);
 *   <li>{@code arr[i]} becomes {@code heliosdb_subscript(arr, i)}, which reads PostgreSQL's text
 *       forms of arrays (from 1) and of int2vector and oidvector (from 0);
 *   <li>{@code information_schema._pg_expandarray(arr)} in a select list, with {@code (...).n} and
 *       {@code (...).x}, and {@code unnest(arr)} and {@code generate_subscripts(arr, 1)} there,
 *       become columns of a {@code json_each} of the array joined to that SELECT's FROM, and {@code
 *       (alias.col).x} the column itself;
 *   <li>{@code unnest(arr) x} and {@code pg_partition_ancestors(rel)} in FROM become subqueries;
 *   <li>{@code pg_get_indexdef(oid [, col, pretty])} and {@code pg_get_constraintdef(oid [,
 *       pretty])} become subqueries on pg_index and pg_constraint, which keep the definitions.
 * </ul>
 */
final class CatalogForms {
  private CatalogForms() {}

  /** {@code sql} with the forms above written for SQLite; adds the catalog tables it now reads. */
  static String translate(String sql, Set<String> used) {
    String text = dropCollate(sql);
    text = trimBoth(text);
    text = substringFrom(text);
    text = definitions(text, used);
    text = CatalogSetFunctions.translate(text);
    return subscripts(text);
  }

  static List<Token> tokens(String text) {
    return SqlTokens.ofPostgres(text);
  }

  /** The index of the ')' that closes the '(' at {@code open}, or -1. */
  static int closing(List<Token> t, int open) {
    int depth = 0;
    for (int i = open; i < t.size(); i++) {
      if (t.get(i).is('(')) {
        depth++;
      } else if (t.get(i).is(')')) {
        if (--depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }

  /** The arguments' texts of the call whose '(' is at {@code open} and ')' at {@code close}. */
  static List<String> arguments(String text, List<Token> t, int open, int close) {
    List<String> args = new ArrayList<>();
    int depth = 0;
    int from = t.get(open).end();
    for (int i = open + 1; i < close; i++) {
      Token k = t.get(i);
      if (k.is('(')) {
        depth++;
      } else if (k.is(')')) {
        depth--;
      } else if (k.is(',') && depth == 0) {
        args.add(text.substring(from, k.start()).strip());
        from = k.end();
      }
    }
    args.add(text.substring(from, t.get(close).start()).strip());
    return args;
  }

  static boolean call(List<Token> t, int i, String name) {
    return t.get(i).isWord(name)
        && i + 1 < t.size()
        && t.get(i + 1).is('(')
        && (i == 0 || !t.get(i - 1).is('.'));
  }

  static String dropCollate(String text) {
    List<Token> t = tokens(text);
    StringBuilder b = new StringBuilder(text.length());
    int copied = 0;
    for (int i = 0; i + 1 < t.size(); i++) {
      if (t.get(i).isWord("COLLATE")) {
        int last = i + 1;
        if (last + 2 < t.size() && t.get(last).isWord("pg_catalog") && t.get(last + 1).is('.')) {
          last += 2;
        }
        String name = t.get(last).name().toLowerCase(Locale.ROOT);
        if (name.equals("default") || name.equals("c") || name.equals("posix")) {
          b.append(text, copied, t.get(i).start());
          copied = t.get(last).end();
          i = last;
        }
      }
    }
    return b.append(text, copied, text.length()).toString();
  }

  private static String trimBoth(String text) {
    List<Token> t = tokens(text);
    for (int i = 0; i + 3 < t.size(); i++) {
      String side = t.get(i + 2).text().toLowerCase(Locale.ROOT);
      if (call(t, i, "trim") && Set.of("both", "leading", "trailing").contains(side)) {
        int close = closing(t, i + 1);
        int from = -1;
        for (int k = i + 3; k < close; k++) {
          if (t.get(k).isWord("FROM")) {
            from = k;
            break;
          }
        }
        if (close < 0 || from < 0) {
          return text;
        }
        String chars = text.substring(t.get(i + 3).start(), t.get(from).start()).strip();
        String value = text.substring(t.get(from).end(), t.get(close).start()).strip();
        String fn = side.equals("both") ? "trim" : side.equals("leading") ? "ltrim" : "rtrim";
        return trimBoth(
            text.substring(0, t.get(i).start())
                + fn
                + "("
                + value
                + ", "
                + (chars.isEmpty() ? "' '" : chars)
                + ")"
                + text.substring(t.get(close).end()));
      }
    }
    return text;
  }

  /** {@code substring(s from a [for b])}: {@code substr(s, a [, b])}. */
  private static String substringFrom(String text) {
    List<Token> t = tokens(text);
    for (int i = 0; i + 1 < t.size(); i++) {
      if (!call(t, i, "substring")) {
        continue;
      }
      int close = closing(t, i + 1);
      int from = -1;
      int forAt = -1;
      int depth = 0;
      for (int k = i + 2; k < close; k++) {
        Token w = t.get(k);
        depth += w.is('(') ? 1 : w.is(')') ? -1 : 0;
        if (depth == 0 && w.isWord("FROM") && from < 0) {
          from = k;
        } else if (depth == 0 && w.isWord("FOR") && from > 0) {
          forAt = k;
        }
      }
      if (close < 0 || from < 0) {
        continue;
      }
      String value = text.substring(t.get(i + 1).end(), t.get(from).start()).strip();
      int startEnd = forAt > 0 ? t.get(forAt).start() : t.get(close).start();
      String start = text.substring(t.get(from).end(), startEnd).strip();
      String length =
          forAt > 0 ? ", " + text.substring(t.get(forAt).end(), t.get(close).start()).strip() : "";
      return substringFrom(
          text.substring(0, t.get(i).start())
              + "substr("
              + value
              + ", "
              + start
              + length
              + ")"
              + text.substring(t.get(close).end()));
    }
    return text;
  }

  private static String definitions(String text, Set<String> used) {
    List<Token> t = tokens(text);
    for (int i = 0; i + 1 < t.size(); i++) {
      boolean index = call(t, i, "pg_get_indexdef");
      boolean constraint = call(t, i, "pg_get_constraintdef");
      if (!index && !constraint) {
        continue;
      }
      int close = closing(t, i + 1);
      if (close < 0) {
        return text;
      }
      List<String> args = arguments(text, t, i + 1, close);
      String sub;
      if (index) {
        used.add("pg_index");
        String col = args.size() > 1 ? "(" + args.get(1) + ")" : "0";
        sub =
            "(SELECT CASE WHEN "
                + col
                + " = 0 THEN heliosdb_ix.heliosdb_indexdef ELSE"
                + " json_extract(heliosdb_ix.heliosdb_colnames, '$[' || ("
                + col
                + " - 1) || ']') END FROM "
                + key(args.get(0))
                + " JOIN pg_index heliosdb_ix ON heliosdb_ix.indexrelid = heliosdb_key.k)";
      } else {
        used.add("pg_constraint");
        sub =
            "(SELECT heliosdb_cx.heliosdb_condef FROM "
                + key(args.get(0))
                + " JOIN pg_constraint heliosdb_cx ON heliosdb_cx.oid = heliosdb_key.k)";
      }
      return definitions(
          text.substring(0, t.get(i).start()) + sub + text.substring(t.get(close).end()), used);
    }
    return text;
  }

  /**
   * {@code (SELECT x AS k) AS heliosdb_key}: the key a look-up subquery joins on, evaluated where
   * the call was (an unqualified {@code oid} argument is the caller's, not the looked-up table's).
   */
  static String key(String argument) {
    return "(SELECT (" + argument + ") AS k) AS heliosdb_key";
  }

  /**
   * {@code base[i]}, base a (qualified) name or a parenthesized expression. The tokenizer reads
   * {@code [i]} as one token (SQLite's [quoted] identifier), which PostgreSQL does not have.
   */
  private static String subscripts(String text) {
    List<Token> t = tokens(text);
    for (int i = 1; i < t.size(); i++) {
      Token sub = t.get(i);
      if (sub.kind() != SqlTokens.Kind.QUOTED_IDENT || !sub.text().startsWith("[")) {
        continue;
      }
      int start;
      Token before = t.get(i - 1);
      if (before.is(')')) {
        start = opening(t, i - 1);
      } else if (PgCasts.isName(before) && !before.isWord("ARRAY")) {
        start = i - 1;
        while (start >= 2 && t.get(start - 1).is('.') && PgCasts.isName(t.get(start - 2))) {
          start -= 2;
        }
      } else {
        continue;
      }
      if (start < 0) {
        return text;
      }
      String base = text.substring(t.get(start).start(), before.end());
      String index = sub.text().substring(1, sub.text().length() - 1).strip();
      return subscripts(
          text.substring(0, t.get(start).start())
              + "heliosdb_subscript("
              + base
              + ", "
              + index
              + ")"
              + text.substring(sub.end()));
    }
    return text;
  }

  private static int opening(List<Token> t, int close) {
    int depth = 0;
    for (int i = close; i >= 0; i--) {
      if (t.get(i).is(')')) {
        depth++;
      } else if (t.get(i).is('(') && --depth == 0) {
        return i;
      }
    }
    return -1;
  }
}
