package io.heliosdb.nano.wire.sql;

import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.session.SqlTokens;
import io.heliosdb.nano.session.SqlTokens.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * PostgreSQL syntax that drivers and ORMs generate, written for SQLite before it sees a wire
 * client's statement (the SQL of embedded users is SQLite's and never passes here). Works on tokens
 * ({@link SqlTokens#ofPostgres}), so string literals, quoted identifiers, comments, dollar-quoted
 * strings and $N parameters are never changed:
 *
 * <ul>
 *   <li>casts, {@code expr::type} and {@code CAST(expr AS pgtype)} ({@link PgCasts});
 *   <li>{@code SERIAL}, {@code BIGSERIAL}, {@code SMALLSERIAL} primary keys in CREATE TABLE become
 *       {@code INTEGER}, SQLite's auto-assigned rowid; any other SERIAL column is 0A000;
 *   <li>the {@code public} schema is the main database: {@code public.t} is {@code t};
 *   <li>{@code now()}, {@code CURRENT_TIMESTAMP}, {@code LOCALTIMESTAMP}, {@code CURRENT_TIME},
 *       {@code LOCALTIME} in PostgreSQL's text form (UTC, milliseconds);
 *   <li>{@code ILIKE}, {@code ~~}, {@code ~~*} (and their negations) become LIKE;
 *   <li>{@code ALTER TABLE t ADD [CONSTRAINT c] UNIQUE (cols)} becomes {@code CREATE UNIQUE INDEX};
 *       PRIMARY KEY, FOREIGN KEY, CHECK and EXCLUDE constraints are 0A000;
 *   <li>START TRANSACTION, BEGIN with modes, OFFSET without LIMIT, {@code substring(x FROM a FOR
 *       b)} ({@link PgClauses}).
 * </ul>
 */
public final class PgSyntax {
  private static final String[] TRIGGERS = {
    "::",
    "cast",
    "serial",
    "public",
    "now",
    "current_time",
    "localtime",
    "ilike",
    "~~",
    "alter",
    "array",
    "_timestamp",
    "start",
    "begin",
    "offset",
    "substring"
  };

  /** now(): timestamptz's text form in UTC, as PostgreSQL prints it with TimeZone UTC. */
  static final String NOW = "(strftime('%Y-%m-%d %H:%M:%f+00', 'now'))";

  private static final String LOCAL_NOW = "(strftime('%Y-%m-%d %H:%M:%f', 'now'))";
  private static final String TIME_NOW = "(strftime('%H:%M:%f+00', 'now'))";
  private static final String LOCAL_TIME = "(strftime('%H:%M:%f', 'now'))";

  private static final Set<String> NOW_FUNCTIONS =
      Set.of("now", "transaction_timestamp", "statement_timestamp", "clock_timestamp");
  private static final Set<String> SERIALS =
      Set.of("serial", "serial4", "bigserial", "serial8", "smallserial", "serial2");

  private PgSyntax() {}

  /**
   * {@code sql} (one statement) as SQLite should read it.
   *
   * @throws HeliosSqlException 0A000 for what SQLite cannot do, 42601/42704/22P02 for bad casts
   */
  public static String translate(String sql) throws HeliosSqlException {
    if (PgCatalog.mayRefer(sql)) {
      sql = CatalogCasts.dropArrayCasts(sql);
    }
    String lower = sql.toLowerCase(Locale.ROOT);
    boolean may = false;
    for (String trigger : TRIGGERS) {
      may |= lower.contains(trigger);
    }
    if (!may) {
      return sql;
    }
    String text = PgClauses.rewrite(words(sql));
    text = serials(text);
    text = PgCasts.rewrite(text);
    return PgAlterTable.rewrite(text);
  }

  /** public., ILIKE, ~~, the current time, ARRAY[ (refused). */
  private static String words(String sql) throws HeliosSqlException {
    List<Token> t = SqlTokens.ofPostgres(sql);
    StringBuilder out = new StringBuilder(sql.length() + 32);
    int copied = 0;
    for (int i = 0; i < t.size(); i++) {
      Token x = t.get(i);
      boolean afterDot = i > 0 && t.get(i - 1).is('.');
      boolean call = i + 1 < t.size() && t.get(i + 1).is('(');
      String word = x.kind() == SqlTokens.Kind.WORD ? x.text().toLowerCase(Locale.ROOT) : "";
      String replacement = null;
      int end = i;
      if (PgCasts.isName(x)
          && x.name().equalsIgnoreCase("public")
          && (x.kind() == SqlTokens.Kind.WORD || x.name().equals("public"))
          && !afterDot
          && i + 2 < t.size()
          && t.get(i + 1).is('.')
          && PgCasts.isName(t.get(i + 2))) {
        out.append(sql, copied, x.start());
        copied = t.get(i + 2).start();
        i++;
        continue;
      } else if (word.equals("ilike")) {
        replacement = "LIKE";
      } else if (x.is('~') && i + 1 < t.size() && t.get(i + 1).is('~') && touching(t, i)) {
        int start = i > 0 && t.get(i - 1).is('!') && touching(t, i - 1) ? i - 1 : i;
        end = i + 1 < t.size() - 1 && t.get(i + 2).is('*') && touching(t, i + 1) ? i + 2 : i + 1;
        out.append(sql, copied, t.get(start).start()).append(start < i ? " NOT LIKE " : " LIKE ");
        copied = t.get(end).end();
        i = end;
        continue;
      } else if (word.equals("array")
          && i + 1 < t.size()
          && t.get(i + 1).kind() == SqlTokens.Kind.QUOTED_IDENT
          && t.get(i + 1).text().startsWith("[")) {
        throw unsupported("arrays (ARRAY[...]) are not supported");
      } else if (!afterDot && call && NOW_FUNCTIONS.contains(word)) {
        if (i + 2 < t.size() && t.get(i + 2).is(')')) {
          replacement = NOW;
          end = i + 2;
        }
      } else if (!afterDot && (word.startsWith("current_time") || word.startsWith("localtime"))) {
        replacement =
            switch (word) {
              case "current_timestamp" -> NOW;
              case "localtimestamp" -> LOCAL_NOW;
              case "current_time" -> TIME_NOW;
              case "localtime" -> LOCAL_TIME;
              default -> null;
            };
        if (replacement != null && call) {
          end = closing(t, i + 1); // a precision: CURRENT_TIMESTAMP(3)
          if (end < 0) {
            replacement = null;
          }
        }
      }
      if (replacement != null) {
        out.append(sql, copied, x.start()).append(replacement);
        copied = t.get(end).end();
        i = end;
      }
    }
    return copied == 0 ? sql : out.append(sql, copied, sql.length()).toString();
  }

  /** SERIAL columns of CREATE TABLE: INTEGER when the column is the primary key, else 0A000. */
  private static String serials(String sql) throws HeliosSqlException {
    List<Token> t = SqlTokens.ofPostgres(sql);
    if (t.isEmpty() || !t.get(0).isWord("CREATE")) {
      return sql;
    }
    int open = -1;
    for (int i = 1; i < t.size() && i < 12; i++) {
      if (t.get(i).is('(')) {
        open = i;
        break;
      }
    }
    boolean table = false;
    for (int i = 1; i < Math.max(open, 0); i++) {
      table |= t.get(i).isWord("TABLE");
    }
    if (!table) {
      return sql;
    }
    int close = closing(t, open);
    if (close < 0) {
      return sql;
    }
    List<List<Token>> elements = elements(t, open, close);
    List<String> primaryKey = new ArrayList<>();
    for (List<Token> e : elements) {
      int k = e.size() > 2 && e.get(0).isWord("CONSTRAINT") ? 2 : 0;
      if (e.size() > k + 2 && e.get(k).isWord("PRIMARY") && e.get(k + 1).isWord("KEY")) {
        for (Token c : e.subList(k + 2, e.size())) {
          if (PgCasts.isName(c)) {
            primaryKey.add(c.name().toLowerCase(Locale.ROOT));
          }
        }
      }
    }
    StringBuilder out = new StringBuilder(sql.length());
    int copied = 0;
    for (List<Token> e : elements) {
      if (e.size() < 2
          || !PgCasts.isName(e.get(0))
          || e.get(1).kind() != SqlTokens.Kind.WORD
          || !SERIALS.contains(e.get(1).text().toLowerCase(Locale.ROOT))) {
        continue;
      }
      String column = e.get(0).name();
      boolean key = false;
      for (int k = 2; k + 1 < e.size(); k++) {
        key |= e.get(k).isWord("PRIMARY") && e.get(k + 1).isWord("KEY");
      }
      key |= primaryKey.size() == 1 && primaryKey.get(0).equals(column.toLowerCase(Locale.ROOT));
      if (!key) {
        throw new io.heliosdb.nano.wire.messages.HintedSqlException(
            SqlState.FEATURE_NOT_SUPPORTED,
            "column \""
                + column
                + "\": "
                + e.get(1).text()
                + " is supported only for the table's single-column primary key",
            "SQLite assigns numbers only to an INTEGER PRIMARY KEY column: declare \""
                + column
                + "\" PRIMARY KEY, or make it INTEGER and assign its values.",
            null);
      }
      out.append(sql, copied, e.get(1).start()).append("INTEGER");
      copied = e.get(1).end();
    }
    return copied == 0 ? sql : out.append(sql, copied, sql.length()).toString();
  }

  /** The comma-separated elements between the parentheses at {@code open} and {@code close}. */
  static List<List<Token>> elements(List<Token> t, int open, int close) {
    List<List<Token>> out = new ArrayList<>();
    int depth = 0;
    int from = open + 1;
    for (int k = open + 1; k <= close; k++) {
      Token x = t.get(k);
      if (x.is('(')) {
        depth++;
      } else if (x.is(')') && depth > 0) {
        depth--;
      } else if (depth == 0 && (x.is(',') || k == close)) {
        out.add(t.subList(from, k));
        from = k + 1;
      }
    }
    return out;
  }

  /** The index of the parenthesis that closes the one at {@code open}, or -1. */
  static int closing(List<Token> t, int open) {
    int depth = 0;
    for (int k = open; k < t.size(); k++) {
      if (t.get(k).is('(')) {
        depth++;
      } else if (t.get(k).is(')') && --depth == 0) {
        return k;
      }
    }
    return -1;
  }

  private static boolean touching(List<Token> t, int i) {
    return t.get(i).end() == t.get(i + 1).start();
  }

  static HeliosSqlException unsupported(String message) {
    return new HeliosSqlException(SqlState.FEATURE_NOT_SUPPORTED, message);
  }
}
