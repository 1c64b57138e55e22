package io.heliosdb.nano.wire.types;

import io.heliosdb.nano.session.SqlTokens.Kind;
import io.heliosdb.nano.session.SqlTokens.Token;
import java.util.List;
import java.util.Locale;

/**
 * The shapes of a SELECT-list expression's tokens that {@link ExpressionTypes} and {@link
 * ColumnNames} read alike: nesting (parentheses and CASE ... END), a PostgreSQL cast {@code
 * expr::type} at the top level, and whether what is left is one primary expression.
 */
final class ExpressionTokens {
  private ExpressionTokens() {}

  static boolean opens(Token t) {
    return t.is('(') || t.is('[') || t.isWord("CASE");
  }

  static boolean closes(Token t) {
    return t.is(')') || t.is(']') || t.isWord("END");
  }

  /** The index of the token closing the one at {@code open} (parenthesis or CASE); -1. */
  static int closing(List<Token> e, int open) {
    int depth = 0;
    for (int i = open; i < e.size(); i++) {
      depth += opens(e.get(i)) ? 1 : closes(e.get(i)) ? -1 : 0;
      if (depth == 0) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The index of the last {@code ::} at the top level (its first colon), when the type name after
   * it ends the expression ({@code x::numeric(10,2)}, not {@code x::float8 / 2}); -1 otherwise.
   */
  static int lastCast(List<Token> e) {
    int cast = lastColons(e);
    if (cast < 0) {
      return -1;
    }
    int i = cast + 2;
    while (i < e.size()
        && (e.get(i).kind() == Kind.WORD
            || e.get(i).kind() == Kind.QUOTED_IDENT
            || e.get(i).is('.'))) {
      i++;
    }
    if (i < e.size() && e.get(i).is('(')) {
      i = closing(e, i) + 1;
    }
    return i == e.size() && i > cast + 2 ? cast : -1;
  }

  /** The index of the last {@code ::} at the top level (its first colon); -1 when none. */
  private static int lastColons(List<Token> e) {
    int depth = 0;
    int found = -1;
    for (int i = 0; i + 1 < e.size(); i++) {
      Token t = e.get(i);
      depth += opens(t) ? 1 : closes(t) ? -1 : 0;
      if (depth == 0 && t.is(':') && e.get(i + 1).is(':')) {
        found = i;
        i++;
      }
    }
    return found;
  }

  /**
   * Whether {@code e} is one primary expression, which PostgreSQL names after what it is: a name
   * ({@code a.b.c}), a literal, a parameter, a call {@code f(...)}, a parenthesized expression,
   * {@code CASE ... END}, {@code EXISTS (...)} or {@code ARRAY[...]}; not an operator's result.
   */
  static boolean isPrimary(List<Token> e) {
    if (e.isEmpty()) {
      return false;
    }
    Token first = e.get(0);
    int end;
    if (first.isWord("CASE") || first.is('(')) {
      end = closing(e, 0);
    } else if ((first.isWord("EXISTS") || first.isWord("ARRAY")) && e.size() > 1) {
      end = closing(e, 1);
    } else if (isName(first) && e.size() > 1 && e.get(1).is('(')) {
      end = closing(e, 1); // a call, "Quoted"(...) too
    } else if (first.kind() == Kind.WORD && Character.isDigit(first.text().charAt(0))) {
      end = e.size() > 2 && e.get(1).is('.') ? 2 : 0; // 2.5 is three tokens
    } else if (first.is('.') && e.size() == 2) {
      end = 1; // .5
    } else {
      end = 0;
      while (end + 2 < e.size() && e.get(end + 1).is('.') && isName(e.get(end + 2))) {
        end += 2;
      }
    }
    return end == e.size() - 1;
  }

  static boolean isName(Token t) {
    return t.kind() == Kind.QUOTED_IDENT
        || (t.kind() == Kind.WORD
            && !Character.isDigit(t.text().charAt(0))
            && t.text().charAt(0) != '$');
  }

  /**
   * The type name after a {@code ::} at {@code colon}, as PostgreSQL spells it in pg_type ({@code
   * integer} is int4, {@code double precision} float8); the modifier {@code (10,2)} left out.
   */
  static String castTypeName(List<Token> e, int from) {
    StringBuilder name = new StringBuilder();
    for (int i = from; i < e.size() && !e.get(i).is('(') && !e.get(i).is(':'); i++) {
      Token t = e.get(i);
      if (t.is('.')) {
        name.setLength(0); // pg_catalog.int4: the type's own name
      } else {
        name.append(name.length() == 0 ? "" : " ").append(t.name().toLowerCase(Locale.ROOT));
      }
    }
    return pgTypeName(name.toString());
  }

  /** A type's name as written, as pg_type names it. */
  static String pgTypeName(String written) {
    return switch (written) {
      case "int", "integer", "serial", "serial4" -> "int4";
      case "smallint", "smallserial", "serial2" -> "int2";
      case "bigint", "bigserial", "serial8" -> "int8";
      case "real" -> "float4";
      case "float", "double precision", "double" -> "float8";
      case "decimal", "dec" -> "numeric";
      case "boolean" -> "bool";
      case "character varying" -> "varchar";
      case "char", "character" -> "bpchar";
      case "timestamp without time zone" -> "timestamp";
      case "timestamp with time zone" -> "timestamptz";
      case "time without time zone" -> "time";
      case "time with time zone" -> "timetz";
      default -> written;
    };
  }
}
