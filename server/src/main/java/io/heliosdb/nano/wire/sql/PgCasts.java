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
 * PostgreSQL's casts for SQLite: {@code expr::type} becomes a SQLite expression, and so does a
 * client's {@code CAST(expr AS type)} with a PostgreSQL type name, the type mapped to the storage
 * class PostgreSQL's value has ({@link PgCastType}). {@code ::} binds tighter than any operator:
 * its operand is the primary just before it (a name, a literal, a parameter, a parenthesised
 * expression, a function call, {@code CASE ... END}), so {@code a + b::int} casts {@code b} only,
 * and chains ({@code x::text::int}) nest. Casts to the catalog's reg* types are left for {@link
 * PgCatalog}. Array types and {@code ARRAY[...]} are refused with 0A000.
 */
final class PgCasts {
  /** Words before a parenthesis that do not make it a function call. */
  private static final Set<String> NOT_FUNCTIONS =
      Set.of(
          "select",
          "where",
          "and",
          "or",
          "not",
          "in",
          "on",
          "as",
          "values",
          "then",
          "else",
          "when",
          "case",
          "by",
          "returning",
          "using",
          "from",
          "join",
          "set",
          "having",
          "limit",
          "offset",
          "is",
          "like",
          "ilike",
          "glob",
          "regexp",
          "match",
          "between",
          "distinct",
          "all",
          "any",
          "some",
          "into",
          "table",
          "with",
          "union",
          "except",
          "intersect",
          "do",
          "end",
          "default",
          "check",
          "return",
          "escape",
          "over",
          "filter",
          "to",
          "key",
          "references");

  private PgCasts() {}

  /** One {@code ::} cast: tokens [start, end), "::" at colon; the casts inside its operand. */
  private record Cast(int start, int colon, int end, PgCastType type, List<Cast> inner) {}

  /** {@code sql} with its casts written for SQLite (one pass over the tokens). */
  static String rewrite(String sql) throws HeliosSqlException {
    String text = explicitCasts(sql);
    if (!text.contains("::")) {
      return text;
    }
    List<Token> t = SqlTokens.ofPostgres(text);
    List<Cast> top = new ArrayList<>();
    for (int i = 0; i + 1 < t.size(); i++) {
      if (!t.get(i).is(':') || !t.get(i + 1).is(':') || t.get(i).end() != t.get(i + 1).start()) {
        continue;
      }
      if (i == 0) {
        throw syntaxError();
      }
      Cast last = top.isEmpty() ? null : top.get(top.size() - 1);
      int from = last != null && last.end() == i ? last.start() : operandStart(t, i - 1);
      PgCastType type = PgCastType.parse(t, i + 2, true);
      List<Cast> inner = new ArrayList<>();
      while (!top.isEmpty() && top.get(top.size() - 1).start() >= from) {
        inner.add(0, top.remove(top.size() - 1));
      }
      top.add(new Cast(from, i, type.end(), type, inner));
      i = type.end() - 1;
    }
    return render(text, t, 0, text.length(), top);
  }

  /** The text from {@code from} to {@code to} with {@code casts} (in order, inside) rewritten. */
  private static String render(String text, List<Token> t, int from, int to, List<Cast> casts)
      throws HeliosSqlException {
    StringBuilder out = new StringBuilder(to - from + 16 * casts.size());
    int copied = from;
    for (Cast c : casts) {
      out.append(text, copied, t.get(c.start()).start());
      String operand =
          render(text, t, t.get(c.start()).start(), t.get(c.colon() - 1).end(), c.inner());
      if (c.type().leftAlone()) {
        out.append(operand).append(text, t.get(c.colon()).start(), t.get(c.end() - 1).end());
      } else {
        out.append(sqlite(operand, SqlTokens.ofPostgres(operand), c.type()));
      }
      copied = t.get(c.end() - 1).end();
    }
    return out.append(text, copied, to).toString();
  }

  /** {@code CAST(e AS type)} as a client writes it, with a PostgreSQL type name mapped. */
  private static String explicitCasts(String sql) throws HeliosSqlException {
    if (!sql.toLowerCase(Locale.ROOT).contains("cast")) {
      return sql;
    }
    List<Token> t = SqlTokens.ofPostgres(sql);
    StringBuilder out = new StringBuilder(sql.length());
    int copied = 0;
    for (int i = 0; i + 1 < t.size(); i++) {
      if (!t.get(i).isWord("CAST") || !t.get(i + 1).is('(') || dotBefore(t, i)) {
        continue;
      }
      int close = PgSyntax.closing(t, i + 1);
      int as = -1;
      int depth = 0;
      for (int k = i + 2; k < close; k++) {
        depth += t.get(k).is('(') ? 1 : t.get(k).is(')') ? -1 : 0;
        if (depth == 0 && t.get(k).isWord("AS")) {
          as = k;
        }
      }
      if (close < 0 || as < 0 || as == i + 2) {
        continue;
      }
      PgCastType type = PgCastType.parse(t, as + 1, false);
      if (type == null || type.leftAlone() || type.end() != close) {
        continue; // not a type we know: SQLite's own CAST, untouched
      }
      String operand = explicitCasts(sql.substring(t.get(i + 2).start(), t.get(as - 1).end()));
      out.append(sql, copied, t.get(i).start())
          .append(sqlite("(" + operand + ")", SqlTokens.ofPostgres(operand), type));
      copied = t.get(close).end();
      i = close;
    }
    return copied == 0 ? sql : out.append(sql, copied, sql.length()).toString();
  }

  /** The first token of the primary that ends at token {@code i}. */
  static int operandStart(List<Token> t, int i) throws HeliosSqlException {
    Token x = t.get(i);
    if (x.is(')')) {
      int open = opening(t, i);
      if (open > 0 && isName(t.get(open - 1))) {
        String word = t.get(open - 1).text().toLowerCase(Locale.ROOT);
        if (t.get(open - 1).kind() != SqlTokens.Kind.WORD || !NOT_FUNCTIONS.contains(word)) {
          return chain(t, open - 1);
        }
      }
      return open;
    }
    if (x.kind() == SqlTokens.Kind.QUOTED_IDENT && x.text().startsWith("[")) {
      if (i > 0 && t.get(i - 1).isWord("ARRAY")) {
        throw PgSyntax.unsupported("arrays (ARRAY[...]) are not supported");
      }
      return chain(t, i);
    }
    if (x.kind() == SqlTokens.Kind.STRING) {
      boolean prefix = i > 0 && t.get(i - 1).kind() == SqlTokens.Kind.WORD && adjacent(t, i - 1);
      return prefix ? i - 1 : i;
    }
    if (x.isWord("END")) {
      int depth = 0;
      for (int k = i; k >= 0; k--) {
        if (t.get(k).isWord("END")) {
          depth++;
        } else if (t.get(k).isWord("CASE") && --depth == 0) {
          return k;
        }
      }
      throw syntaxError();
    }
    if (x.kind() == SqlTokens.Kind.WORD || x.kind() == SqlTokens.Kind.QUOTED_IDENT) {
      int s = i;
      if (isDigits(x.text())
          && s >= 2
          && (t.get(s - 1).is('-') || t.get(s - 1).is('+'))
          && adjacent(t, s - 1)
          && adjacent(t, s - 2)
          && t.get(s - 2).text().matches("[0-9]+[eE]")) {
        s -= 2; // 1.5e-3
      }
      s = chain(t, s);
      if (s > 0 && t.get(s - 1).is('?') && adjacent(t, s - 1)) {
        s--; // ?1
      }
      return s;
    }
    throw syntaxError();
  }

  /** Extends a name or number backwards over adjacent dots: schema.table.column, 1.5, .5. */
  private static int chain(List<Token> t, int s) {
    while (s >= 1 && t.get(s - 1).is('.') && adjacent(t, s - 1)) {
      if (s >= 2 && isName(t.get(s - 2)) && adjacent(t, s - 2)) {
        s -= 2;
      } else {
        return s - 1;
      }
    }
    return s;
  }

  /** Whether token {@code i} ends where the next one starts. */
  private static boolean adjacent(List<Token> t, int i) {
    return t.get(i).end() == t.get(i + 1).start();
  }

  private static boolean dotBefore(List<Token> t, int i) {
    return i > 0 && t.get(i - 1).is('.');
  }

  private static int opening(List<Token> t, int close) throws HeliosSqlException {
    int depth = 0;
    for (int k = close; k >= 0; k--) {
      if (t.get(k).is(')')) {
        depth++;
      } else if (t.get(k).is('(') && --depth == 0) {
        return k;
      }
    }
    throw syntaxError();
  }

  static boolean isName(Token t) {
    return t.kind() == SqlTokens.Kind.WORD || t.kind() == SqlTokens.Kind.QUOTED_IDENT;
  }

  private static boolean isDigits(String s) {
    return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
  }

  /**
   * The SQLite expression for {@code operand} (a primary, or parenthesised) cast to {@code type}.
   */
  static String sqlite(String operand, List<Token> ot, PgCastType type) throws HeliosSqlException {
    Token only = ot.size() == 1 ? ot.get(0) : null;
    boolean string = only != null && only.kind() == SqlTokens.Kind.STRING;
    String unwrapped = unwrap(operand);
    return switch (type.target()) {
      case INTEGER -> integer(operand, ot, unwrapped, string);
      case REAL -> "CAST(" + unwrapped + " AS REAL)";
      case NUMERIC ->
          type.scale() > 0
              ? "round(CAST(" + unwrapped + " AS NUMERIC), " + type.scale() + ")"
              : "CAST(" + unwrapped + " AS NUMERIC)";
      case TEXT ->
          type.length() > 0
              ? "substr(CAST(" + unwrapped + " AS TEXT), 1, " + type.length() + ")"
              : "CAST(" + unwrapped + " AS TEXT)";
      case BOOLEAN -> bool(operand, ot, string);
      case BLOB ->
          string
              ? PgLiterals.blob(PgLiterals.value(only.text()))
              : "CAST(" + unwrapped + " AS BLOB)";
    };
  }

  /**
   * To an integer with PostgreSQL's rounding of a fraction (half away from zero, as numeric does):
   * a decimal literal is rounded; an operand without side effects that may be real is rounded when
   * it is real (it is evaluated twice); anything else is SQLite's CAST, which truncates.
   */
  private static String integer(String operand, List<Token> ot, String unwrapped, boolean string) {
    List<Token> core = unwrapTokens(ot);
    boolean integerLiteral = core.size() == 1 && isDigits(core.get(0).text());
    boolean param =
        core.size() == 1 && core.get(0).text().matches("\\$[0-9]+")
            || core.size() == 2 && core.get(0).is('?');
    boolean notReal =
        core.size() > 4
            && core.get(0).isWord("CAST")
            && PgSyntax.closing(core, 1) == core.size() - 1
            && core.get(core.size() - 3).isWord("AS")
            && !core.get(core.size() - 2).isWord("REAL")
            && !core.get(core.size() - 2).isWord("NUMERIC"); // x::text::int
    if (string
        || integerLiteral
        || param
        || notReal
        || core.size() == 1 && core.get(0).isWord("NULL")) {
      return "CAST(" + unwrapped + " AS INTEGER)";
    }
    if (!core.isEmpty()
        && (Character.isDigit(core.get(0).text().charAt(0)) || core.get(0).is('.'))) {
      return "CAST(round(" + unwrapped + ") AS INTEGER)"; // a decimal literal: 1.5, 2e3
    }
    if (!pure(ot)) {
      return "CAST(" + unwrapped + " AS INTEGER)";
    }
    return "CAST(CASE WHEN typeof("
        + unwrapped
        + ") = 'real' THEN round("
        + unwrapped
        + ") ELSE "
        + operand
        + " END AS INTEGER)";
  }

  /** To 1 or 0: a literal at once (22P02 when it is not a boolean), others by storage class. */
  private static String bool(String operand, List<Token> ot, boolean string)
      throws HeliosSqlException {
    if (string) {
      String v = PgLiterals.value(ot.get(0).text()).strip().toLowerCase(Locale.ROOT);
      return switch (v) {
        case "t", "true", "y", "yes", "on", "1" -> "1";
        case "f", "false", "n", "no", "off", "0" -> "0";
        default ->
            throw new HeliosSqlException(
                SqlState.INVALID_TEXT_REPRESENTATION,
                "invalid input syntax for type boolean: \""
                    + PgLiterals.value(ot.get(0).text())
                    + "\"");
      };
    }
    if (!pure(ot)) {
      return "(" + operand + " <> 0)";
    }
    return "(CASE WHEN "
        + operand
        + " IS NULL THEN NULL WHEN typeof("
        + unwrap(operand)
        + ") IN ('integer', 'real') THEN "
        + operand
        + " <> 0 ELSE lower(trim("
        + unwrap(operand)
        + ")) IN ('t', 'true', 'y', 'yes', 'on', '1') END)";
  }

  /** Whether evaluating the operand twice is harmless: no calls but deterministic ones. */
  private static boolean pure(List<Token> ot) {
    for (int i = 0; i < ot.size(); i++) {
      Token x = ot.get(i);
      if (x.isWord("SELECT")) {
        return false;
      }
      if (x.kind() == SqlTokens.Kind.WORD
          && i + 1 < ot.size()
          && ot.get(i + 1).is('(')
          && !PgCastType.DETERMINISTIC.contains(x.text().toLowerCase(Locale.ROOT))
          && !NOT_FUNCTIONS.contains(x.text().toLowerCase(Locale.ROOT))) {
        return false;
      }
    }
    return true;
  }

  /** "(x)" as x, when the parentheses enclose everything. */
  private static String unwrap(String operand) {
    List<Token> t = SqlTokens.ofPostgres(operand);
    List<Token> core = unwrapTokens(t);
    if (core.size() == t.size()) {
      return operand;
    }
    return core.isEmpty()
        ? operand
        : operand.substring(core.get(0).start(), core.get(core.size() - 1).end());
  }

  private static List<Token> unwrapTokens(List<Token> t) {
    List<Token> core = new ArrayList<>(t);
    while (core.size() >= 2
        && core.get(0).is('(')
        && core.get(core.size() - 1).is(')')
        && PgSyntax.closing(core, 0) == core.size() - 1) {
      core = core.subList(1, core.size() - 1);
    }
    return core;
  }

  private static HeliosSqlException syntaxError() {
    return new HeliosSqlException(SqlState.SYNTAX_ERROR, "syntax error at or near \"::\"");
  }
}
