package io.heliosdb.nano.wire.types;

import io.heliosdb.nano.session.SqlTokens;
import io.heliosdb.nano.session.SqlTokens.Kind;
import io.heliosdb.nano.session.SqlTokens.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The items of a SELECT's result list, read from its tokens without running it, each with the type
 * PostgreSQL gives it where the expression alone shows it, and the column it names where it is a
 * plain column reference. SQLite types values, not expressions, and has no declared type for an
 * expression; this is how an expression column gets a type before the first row (extended
 * protocol's Describe) and the same type after it (simple protocol).
 *
 * <p>What is typed, and how, is {@link ExpressionTypes}' (literals, operators, casts, CASE, known
 * functions, scalar subqueries); how an unnamed item is named, {@link ColumnNames}'; an aggregate
 * or {@code coalesce} over a column is typed once that column's declared type is known ({@link
 * #typeOver}). Column arithmetic is not typed here.
 */
public final class SelectList {
  /**
   * One result item: its type, or null when not known; the column it names, or null; the name
   * PostgreSQL gives the result column (its alias, column name, or {@link ColumnNames}); and for
   * {@code sum(col)}, {@code max(t.col)}, {@code coalesce(col, ...)} and the like the function and
   * column its type follows ({@link #typeOver}), else null.
   */
  public record Item(PgType type, String column, String name, Over over) {}

  /** An aggregate or {@code coalesce} whose type follows a column's: see {@link #typeOver}. */
  public record Over(String function, String qualifier, String column) {}

  /** The type of {@code over} once its column's declared type is known; null when not shown. */
  public static PgType typeOver(Over over, String declared) {
    return ExpressionTypes.overColumn(over.function(), declared);
  }

  private static final Set<String> END =
      Set.of(
          "FROM",
          "WHERE",
          "GROUP",
          "HAVING",
          "ORDER",
          "LIMIT",
          "OFFSET",
          "UNION",
          "INTERSECT",
          "EXCEPT",
          "WINDOW",
          "RETURNING");

  /** Two-word type names: {@code x::double precision} has no alias {@code precision}. */
  private static final Set<String> TYPE_WORD_PAIRS =
      Set.of("DOUBLE PRECISION", "CHARACTER VARYING", "TIME ZONE");

  private static final Set<String> NOT_ALIAS =
      Set.of(
          "NULL",
          "TRUE",
          "FALSE",
          "END",
          "CURRENT_TIMESTAMP",
          "CURRENT_DATE",
          "CURRENT_TIME",
          "DISTINCT",
          "ALL");

  private SelectList() {}

  /** The items of {@code sql}'s SELECT list; empty when it is no SELECT or has a {@code *}. */
  public static List<Item> of(String sql) {
    return of(SqlTokens.ofPostgres(sql));
  }

  /** {@link #of(String)} for a statement's tokens (a subquery's). */
  static List<Item> of(List<Token> tokens) {
    int start = selectStart(tokens);
    if (start < 0) {
      return List.of();
    }
    List<Item> items = new ArrayList<>();
    int depth = 0;
    int from = start;
    for (int i = start; i <= tokens.size(); i++) {
      Token t = i < tokens.size() ? tokens.get(i) : null;
      boolean end =
          t == null
              || (depth == 0 && (t.is(';') || (t.kind() == Kind.WORD && isEnd(t.text()))))
              || (depth == 0 && t.is(','));
      if (end) {
        List<Token> item = tokens.subList(from, i);
        if (item.isEmpty() || isStar(item)) {
          return List.of();
        }
        items.add(item(item));
        from = i + 1;
        if (t == null || !t.is(',')) {
          return items;
        }
        continue;
      }
      depth += ExpressionTokens.opens(t) ? 1 : ExpressionTokens.closes(t) ? -1 : 0;
    }
    return items;
  }

  private static boolean isEnd(String word) {
    return END.contains(word.toUpperCase(Locale.ROOT));
  }

  /** The first token of the list of the statement's top-level SELECT (after any WITH); -1. */
  private static int selectStart(List<Token> tokens) {
    if (tokens.isEmpty()) {
      return -1;
    }
    int i = 0;
    if (tokens.get(0).isWord("WITH")) {
      int depth = 0;
      for (i = 1; i < tokens.size(); i++) {
        Token t = tokens.get(i);
        depth += t.is('(') ? 1 : t.is(')') ? -1 : 0;
        if (depth == 0 && t.isWord("SELECT")) {
          break;
        }
      }
    }
    if (i >= tokens.size() || !tokens.get(i).isWord("SELECT")) {
      return -1;
    }
    i++;
    if (i < tokens.size() && (tokens.get(i).isWord("DISTINCT") || tokens.get(i).isWord("ALL"))) {
      i++;
    }
    return i;
  }

  private static boolean isStar(List<Token> item) {
    return item.get(item.size() - 1).is('*')
        && (item.size() == 1 || item.get(item.size() - 2).is('.'));
  }

  private static Item item(List<Token> all) {
    List<Token> e = withoutAlias(all);
    if (e.isEmpty()) {
      return new Item(null, null, null, null);
    }
    String name =
        e.size() < all.size() ? ColumnNames.identifier(all.get(all.size() - 1)) : ColumnNames.of(e);
    String column = columnReference(e);
    if (column != null) {
      return new Item(null, column, name, null);
    }
    return new Item(ExpressionTypes.type(e), null, name, over(e));
  }

  /** {@code f([DISTINCT] [t.]col)} or {@code f(col, ...)} for an {@link Over} function; null. */
  private static Over over(List<Token> e) {
    if (e.size() < 4 || !e.get(1).is('(') || !e.get(e.size() - 1).is(')')) {
      return null;
    }
    String function = e.get(0).text().toLowerCase(Locale.ROOT);
    if (e.get(0).kind() != Kind.WORD || !ExpressionTypes.OVER_COLUMN.contains(function)) {
      return null;
    }
    int from = e.get(2).isWord("DISTINCT") ? 3 : 2;
    int to = from;
    while (to < e.size() - 1 && !e.get(to).is(',')) {
      to++;
    }
    boolean aggregate = !function.equals("coalesce") && !function.equals("nullif");
    if (aggregate && to != e.size() - 1) {
      return null;
    }
    List<Token> arg = e.subList(from, to);
    String column = columnReference(arg);
    if (column == null) {
      return null;
    }
    return new Over(function, arg.size() >= 3 ? arg.get(arg.size() - 3).name() : null, column);
  }

  /** The expression without {@code AS alias} or a bare trailing alias. */
  private static List<Token> withoutAlias(List<Token> item) {
    int n = item.size();
    if (n >= 3 && item.get(n - 2).isWord("AS")) {
      return item.subList(0, n - 2);
    }
    if (n >= 2) {
      Token last = item.get(n - 1);
      Token before = item.get(n - 2);
      boolean identifier =
          last.kind() == Kind.QUOTED_IDENT
              || (last.kind() == Kind.WORD
                  && !Character.isDigit(last.text().charAt(0))
                  && !NOT_ALIAS.contains(last.text().toUpperCase(Locale.ROOT)));
      boolean ends =
          before.is(')')
              || before.kind() == Kind.STRING
              || before.kind() == Kind.QUOTED_IDENT
              || before.isWord("END")
              || (before.kind() == Kind.WORD
                  && !ExpressionTypes.BOOL_WORDS.contains(before.text().toUpperCase(Locale.ROOT))
                  && !before.isWord("CASE")
                  && !before.isWord("ELSE")
                  && !before.isWord("THEN")
                  && !before.isWord("WHEN"));
      String pair = (before.text() + " " + last.text()).toUpperCase(Locale.ROOT);
      if (identifier && ends && !TYPE_WORD_PAIRS.contains(pair)) {
        return item.subList(0, n - 1);
      }
    }
    return item;
  }

  /** {@code col}, {@code t.col} or {@code s.t.col}: the column's name; null otherwise. */
  private static String columnReference(List<Token> e) {
    if (e.size() % 2 == 0 || e.size() > 5) {
      return null;
    }
    for (int i = 0; i < e.size(); i++) {
      Token t = e.get(i);
      boolean ok =
          i % 2 == 1
              ? t.is('.')
              : t.kind() == Kind.QUOTED_IDENT
                  || (t.kind() == Kind.WORD
                      && !Character.isDigit(t.text().charAt(0))
                      && t.text().charAt(0) != '$'
                      && !NOT_ALIAS.contains(t.text().toUpperCase(Locale.ROOT)));
      if (!ok) {
        return null;
      }
    }
    return e.get(e.size() - 1).name();
  }
}
