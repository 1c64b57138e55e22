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
 * <p>What is typed (at the top level of the item, after removing its alias): integer literals and
 * arithmetic of integer literals int4 (int8 past int4's range), other numeric literals numeric,
 * string literals and {@code ||} text, {@code NULL} text, {@code TRUE}/{@code FALSE}, comparisons,
 * {@code AND OR NOT IS IN LIKE GLOB BETWEEN EXISTS} bool, {@code count} int8, {@code avg} numeric,
 * {@code total} float8, {@code length} and friends int4, the string functions text, {@code
 * json_object}/{@code json_array} json, {@code CAST(x AS type)} the cast's type. Anything else
 * (column arithmetic, {@code sum}, {@code max}, {@code coalesce}, CASE) is not typed here.
 */
public final class SelectList {
  /**
   * One result item: its type, or null when not known; the column it names, or null; the label
   * PostgreSQL gives it where SQLite's differs, or null (an unaliased call {@code f(...)} is {@code
   * f} in PostgreSQL, its text in SQLite).
   */
  public record Item(PgType type, String column, String label) {}

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
  private static final Set<String> BOOL_WORDS =
      Set.of(
          "AND", "OR", "NOT", "IS", "IN", "LIKE", "GLOB", "BETWEEN", "EXISTS", "REGEXP", "MATCH",
          "ISNULL", "NOTNULL");
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
  private static final Set<String> TEXT_FUNCTIONS =
      Set.of(
          "lower",
          "upper",
          "substr",
          "substring",
          "trim",
          "ltrim",
          "rtrim",
          "replace",
          "printf",
          "format",
          "hex",
          "quote",
          "typeof",
          "group_concat",
          "string_agg",
          "char",
          "concat",
          "concat_ws",
          "sqlite_version",
          "version",
          "unicode_text",
          "soundex");
  private static final Set<String> INT4_FUNCTIONS =
      Set.of("length", "char_length", "character_length", "octet_length", "instr", "unicode");

  /** The advisory-lock functions that return boolean in PostgreSQL (0/1 here). */
  private static final Set<String> BOOL_FUNCTIONS =
      Set.of(
          "pg_try_advisory_lock",
          "pg_try_advisory_lock_shared",
          "pg_try_advisory_xact_lock",
          "pg_try_advisory_xact_lock_shared",
          "pg_advisory_unlock",
          "pg_advisory_unlock_shared");

  private SelectList() {}

  /** The items of {@code sql}'s SELECT list; empty when it is no SELECT or has a {@code *}. */
  public static List<Item> of(String sql) {
    List<Token> tokens = SqlTokens.of(sql);
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
      depth += opens(t) ? 1 : closes(t) ? -1 : 0;
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

  private static boolean opens(Token t) {
    return t.is('(') || t.isWord("CASE");
  }

  private static boolean closes(Token t) {
    return t.is(')') || t.isWord("END");
  }

  private static boolean isStar(List<Token> item) {
    return item.get(item.size() - 1).is('*')
        && (item.size() == 1 || item.get(item.size() - 2).is('.'));
  }

  private static Item item(List<Token> all) {
    List<Token> e = withoutAlias(all);
    if (e.isEmpty()) {
      return new Item(null, null, null);
    }
    String column = columnReference(e);
    if (column != null) {
      return new Item(null, column, null);
    }
    return new Item(type(e), null, e.size() == all.size() ? functionName(e) : null);
  }

  /**
   * The name of a call {@code f(...)} or {@code schema.f(...)} that is the whole expression, as
   * PostgreSQL labels such a column (Flyway reads {@code pg_try_advisory_xact_lock} by name); null.
   */
  private static String functionName(List<Token> e) {
    int name = e.size() >= 5 && e.get(1).is('.') ? 2 : 0;
    if (e.size() < name + 3
        || !e.get(name + 1).is('(')
        || closingParen(e, name + 1) != e.size() - 1
        || (e.get(name).kind() != Kind.WORD && e.get(name).kind() != Kind.QUOTED_IDENT)
        || (name == 2 && e.get(0).kind() != Kind.WORD && e.get(0).kind() != Kind.QUOTED_IDENT)) {
      return null;
    }
    return e.get(name).name();
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
                  && !BOOL_WORDS.contains(before.text().toUpperCase(Locale.ROOT))
                  && !before.isWord("CASE")
                  && !before.isWord("ELSE")
                  && !before.isWord("THEN")
                  && !before.isWord("WHEN"));
      if (identifier && ends) {
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

  /** The type of an expression, or null when it is not shown by the text. */
  static PgType type(List<Token> e) {
    if (isBoolean(e)) {
      return PgType.BOOL;
    }
    if (e.size() == 1) {
      Token t = e.get(0);
      if (t.kind() == Kind.STRING || t.isWord("NULL")) {
        return PgType.TEXT;
      }
    }
    PgType number = numberLiteralArithmetic(e);
    if (number != null) {
      return number;
    }
    if (hasTopLevelConcat(e)) {
      return PgType.TEXT;
    }
    if (e.size() >= 3
        && e.get(0).kind() == Kind.WORD
        && e.get(1).is('(')
        && e.get(e.size() - 1).is(')')
        && closingParen(e, 1) == e.size() - 1) {
      return function(e.get(0).text().toLowerCase(Locale.ROOT), e.subList(2, e.size() - 1));
    }
    if (e.size() >= 2 && e.get(0).is('(') && closingParen(e, 0) == e.size() - 1) {
      if (e.get(1).isWord("SELECT") || e.get(1).isWord("WITH")) {
        return null; // a scalar subquery: its WHERE's AND says nothing of its value
      }
      return type(e.subList(1, e.size() - 1));
    }
    return null;
  }

  private static PgType function(String name, List<Token> args) {
    switch (name) {
      case "count":
        return PgType.INT8;
      case "avg":
        return PgType.NUMERIC;
      case "total":
        return PgType.FLOAT8;
      case "json_object":
      case "json_array":
      case "json_group_array":
      case "json_group_object":
      case "json_build_object":
      case "json_build_array":
        return PgType.JSON;
      case "cast":
        return cast(args);
      default:
        break;
    }
    if (TEXT_FUNCTIONS.contains(name)) {
      return PgType.TEXT;
    }
    if (INT4_FUNCTIONS.contains(name)) {
      return PgType.INT4;
    }
    if (BOOL_FUNCTIONS.contains(name)) {
      return PgType.BOOL;
    }
    return null;
  }

  /** {@code CAST(x AS type)}: the type as PostgreSQL names it. */
  private static PgType cast(List<Token> args) {
    int depth = 0;
    for (int i = 0; i < args.size(); i++) {
      Token t = args.get(i);
      depth += t.is('(') ? 1 : t.is(')') ? -1 : 0;
      if (depth == 0 && t.isWord("AS") && i + 1 < args.size()) {
        StringBuilder name = new StringBuilder();
        for (Token n : args.subList(i + 1, args.size())) {
          name.append(n.text()).append(n.kind() == Kind.WORD ? " " : "");
        }
        return castType(name.toString().strip().toUpperCase(Locale.ROOT));
      }
    }
    return null;
  }

  private static PgType castType(String t) {
    if (t.equals("INTEGER") || t.equals("INT") || t.equals("INT4")) {
      return PgType.INT4;
    }
    if (t.startsWith("SMALLINT") || t.startsWith("INT2")) {
      return PgType.INT4; // int2 is not reported here; int4 holds every int2
    }
    if (t.equals("REAL") || t.equals("FLOAT4")) {
      return PgType.FLOAT8; // SQLite's REAL is a double: float4 would lose digits
    }
    if (t.equals("TEXT") || t.equals("NAME")) {
      return PgType.TEXT;
    }
    return PgType.forDeclared(t);
  }

  private static boolean isBoolean(List<Token> e) {
    if (e.size() == 1 && (e.get(0).isWord("TRUE") || e.get(0).isWord("FALSE"))) {
      return true;
    }
    int depth = 0;
    for (int i = 0; i < e.size(); i++) {
      Token t = e.get(i);
      if (opens(t)) {
        depth++;
      } else if (closes(t)) {
        depth--;
      } else if (depth == 0) {
        if (t.kind() == Kind.WORD && BOOL_WORDS.contains(t.text().toUpperCase(Locale.ROOT))) {
          return true;
        }
        if (t.is('=') || t.is('<') || t.is('>')) {
          return true;
        }
        if (t.is('!') && i + 1 < e.size() && e.get(i + 1).is('=')) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean hasTopLevelConcat(List<Token> e) {
    int depth = 0;
    for (int i = 0; i + 1 < e.size(); i++) {
      Token t = e.get(i);
      depth += opens(t) ? 1 : closes(t) ? -1 : 0;
      if (depth == 0 && t.is('|') && e.get(i + 1).is('|')) {
        return true;
      }
    }
    return false;
  }

  /**
   * Literals and arithmetic of literals: int4 when all are integers within int4 (int8 past it),
   * numeric when one has a fraction or exponent; null for anything else.
   */
  private static PgType numberLiteralArithmetic(List<Token> e) {
    boolean any = false;
    boolean big = false;
    boolean fraction = false;
    for (int i = 0; i < e.size(); i++) {
      Token t = e.get(i);
      if (t.kind() == Kind.WORD && Character.isDigit(t.text().charAt(0))) {
        any = true;
        String digits = t.text();
        if (i + 2 < e.size()
            && e.get(i + 1).is('.')
            && e.get(i + 2).kind() == Kind.WORD
            && Character.isDigit(e.get(i + 2).text().charAt(0))) {
          fraction = true;
          i += 2;
          continue;
        }
        if (!digits.chars().allMatch(Character::isDigit)) {
          if (digits.matches("[0-9]+[eE][0-9]*")
              || digits.matches("[0-9]+\\.[0-9]*([eE][0-9]*)?")) {
            fraction = true; // 1e3, 1. (and 1e-3 goes on with - and 3)
            continue;
          }
          return null; // 0x1F and the like
        }
        big |= digits.length() > 10 || Long.parseLong(digits) > Integer.MAX_VALUE;
      } else if (t.is('.')
          && i + 1 < e.size()
          && e.get(i + 1).kind() == Kind.WORD
          && Character.isDigit(e.get(i + 1).text().charAt(0))) {
        any = true;
        fraction = true;
        i++;
      } else if (!(t.is('+') || t.is('-') || t.is('*') || t.is('/') || t.is('%') || t.is('(')
          || t.is(')'))) {
        return null;
      }
    }
    if (!any) {
      return null;
    }
    return fraction ? PgType.NUMERIC : big ? PgType.INT8 : PgType.INT4;
  }

  /** The index of the parenthesis closing the one at {@code open}; -1 when none. */
  private static int closingParen(List<Token> e, int open) {
    int depth = 0;
    for (int i = open; i < e.size(); i++) {
      depth += e.get(i).is('(') ? 1 : e.get(i).is(')') ? -1 : 0;
      if (depth == 0) {
        return i;
      }
    }
    return -1;
  }
}
