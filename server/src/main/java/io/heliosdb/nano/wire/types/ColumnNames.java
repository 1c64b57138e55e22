package io.heliosdb.nano.wire.types;

import static io.heliosdb.nano.wire.types.ExpressionTokens.closing;
import static io.heliosdb.nano.wire.types.ExpressionTokens.isPrimary;
import static io.heliosdb.nano.wire.types.ExpressionTokens.lastCast;

import io.heliosdb.nano.session.SqlTokens.Kind;
import io.heliosdb.nano.session.SqlTokens.Token;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The name PostgreSQL gives a result column without an alias (its parser's {@code FigureColname}):
 * a column's name, a function's name ({@code count}, {@code upper}, {@code btrim} for {@code
 * trim}), {@code case}, {@code exists}, {@code coalesce}, a cast's type ({@code '1'::int} is {@code
 * int4}) unless what is cast has a name ({@code price::int} is {@code price}), a scalar subquery's
 * column; {@code ?column?} for anything else (literals, operators). SQLite names such a column by
 * its text ({@code 41 + 1}), which clients that read columns by name do not find.
 */
final class ColumnNames {
  static final String UNNAMED = "?column?";

  private static final Set<String> VALUE_FUNCTIONS =
      Set.of(
          "CURRENT_DATE",
          "CURRENT_TIME",
          "CURRENT_TIMESTAMP",
          "LOCALTIME",
          "LOCALTIMESTAMP",
          "CURRENT_USER",
          "CURRENT_ROLE",
          "SESSION_USER",
          "USER",
          "CURRENT_CATALOG",
          "CURRENT_SCHEMA");
  private static final Set<String> LITERAL_WORDS = Set.of("NULL", "TRUE", "FALSE");

  /** A name and how sure PostgreSQL is of it: 2 a real name, 1 a type or CASE, 0 none. */
  private record Named(String name, int strength) {}

  private ColumnNames() {}

  /** The name of the expression {@code e} (without its alias). */
  static String of(List<Token> e) {
    return named(e).name();
  }

  /** An alias or a column as PostgreSQL reads the identifier: unquoted is folded to lower case. */
  static String identifier(Token t) {
    return t.kind() == Kind.QUOTED_IDENT ? t.name() : t.text().toLowerCase(Locale.ROOT);
  }

  private static Named named(List<Token> e) {
    while (e.size() >= 2 && e.get(0).is('(') && closing(e, 0) == e.size() - 1) {
      List<Token> inner = e.subList(1, e.size() - 1);
      if (!inner.isEmpty() && (inner.get(0).isWord("SELECT") || inner.get(0).isWord("WITH"))) {
        List<SelectList.Item> items = SelectList.of(inner);
        return items.isEmpty() || items.get(0).name() == null
            ? new Named(UNNAMED, 0)
            : new Named(items.get(0).name(), 2);
      }
      e = inner;
    }
    e = callOnly(e);
    int cast = lastCast(e);
    if (cast >= 0) {
      List<Token> operand = e.subList(0, cast);
      if (!isPrimary(operand) && lastCast(operand) < 0) {
        return new Named(UNNAMED, 0);
      }
      Named inner = named(operand);
      return inner.strength() > 1
          ? inner
          : new Named(ExpressionTokens.castTypeName(e, cast + 2), 1);
    }
    if (!isPrimary(e)) {
      return new Named(UNNAMED, 0);
    }
    Token first = e.get(0);
    if (first.isWord("CASE")) {
      return new Named("case", 1);
    }
    String upper = first.text().toUpperCase(Locale.ROOT);
    if (!upper.equals("EXISTS") && ExpressionTypes.BOOL_WORDS.contains(upper)) {
      return new Named(UNNAMED, 0); // NOT (...): an operator, not a call
    }
    if (ExpressionTokens.isName(first) && e.size() > 1 && (e.get(1).is('(') || e.get(1).is('['))) {
      return function(identifier(first), e.subList(2, e.size() - 1));
    }
    if (first.kind() == Kind.STRING
        || !ExpressionTokens.isName(first)
        || LITERAL_WORDS.contains(first.text().toUpperCase(Locale.ROOT))) {
      return new Named(UNNAMED, 0);
    }
    if (e.size() == 1 && VALUE_FUNCTIONS.contains(first.text().toUpperCase(Locale.ROOT))) {
      return new Named(first.text().toLowerCase(Locale.ROOT), 2);
    }
    return new Named(identifier(e.get(e.size() - 1)), 2);
  }

  /**
   * A call as PostgreSQL names it: {@code schema.f(...)} and {@code f(...) OVER (...)} are both
   * named f; anything else as it is.
   */
  private static List<Token> callOnly(List<Token> e) {
    if (e.size() >= 5
        && ExpressionTokens.isName(e.get(0))
        && e.get(1).is('.')
        && ExpressionTokens.isName(e.get(2))
        && e.get(3).is('(')) {
      e = e.subList(2, e.size());
    }
    if (e.size() >= 5 && ExpressionTokens.isName(e.get(0)) && e.get(1).is('(')) {
      int close = closing(e, 1);
      if (close > 0 && close + 2 < e.size() && e.get(close + 1).isWord("OVER")) {
        boolean window =
            close + 3 == e.size()
                ? ExpressionTokens.isName(e.get(close + 2))
                : e.get(close + 2).is('(') && closing(e, close + 2) == e.size() - 1;
        if (window) {
          return e.subList(0, close + 1);
        }
      }
    }
    return e;
  }

  private static Named function(String name, List<Token> args) {
    switch (name) {
      case "cast":
        for (int i = 0, depth = 0; i < args.size(); i++) {
          Token t = args.get(i);
          depth += ExpressionTokens.opens(t) ? 1 : ExpressionTokens.closes(t) ? -1 : 0;
          if (depth == 0 && t.isWord("AS")) {
            Named inner = named(args.subList(0, i));
            return inner.strength() > 1
                ? inner
                : new Named(ExpressionTokens.castTypeName(args, i + 1), 1);
          }
        }
        return new Named(UNNAMED, 0);
      case "trim":
        boolean leading = !args.isEmpty() && args.get(0).isWord("LEADING");
        boolean trailing = !args.isEmpty() && args.get(0).isWord("TRAILING");
        return new Named(leading ? "ltrim" : trailing ? "rtrim" : "btrim", 2);
      default:
        return new Named(name, 2);
    }
  }
}
