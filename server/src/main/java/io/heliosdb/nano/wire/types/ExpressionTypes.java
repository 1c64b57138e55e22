package io.heliosdb.nano.wire.types;

import static io.heliosdb.nano.wire.types.ExpressionTokens.closes;
import static io.heliosdb.nano.wire.types.ExpressionTokens.closing;
import static io.heliosdb.nano.wire.types.ExpressionTokens.isPrimary;
import static io.heliosdb.nano.wire.types.ExpressionTokens.lastCast;
import static io.heliosdb.nano.wire.types.ExpressionTokens.opens;

import io.heliosdb.nano.session.SqlTokens.Kind;
import io.heliosdb.nano.session.SqlTokens.Token;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The type PostgreSQL gives a SELECT-list expression where its text alone shows it ({@link
 * SelectList} describes what is typed), and the type of an aggregate or {@code coalesce} over a
 * table column once that column's declared type is known ({@link #overColumn}).
 */
final class ExpressionTypes {
  static final Set<String> BOOL_WORDS =
      Set.of(
          "AND", "OR", "NOT", "IS", "IN", "LIKE", "ILIKE", "GLOB", "BETWEEN", "EXISTS", "REGEXP",
          "MATCH", "ISNULL", "NOTNULL");
  private static final Set<String> TEXT_FUNCTIONS =
      Set.of(
          "lower",
          "upper",
          "substr",
          "substring",
          "trim",
          "btrim",
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
          "soundex",
          "current_setting",
          "set_config");
  private static final Set<String> INT4_FUNCTIONS =
      Set.of("length", "char_length", "character_length", "octet_length", "instr", "unicode");
  private static final Set<String> BOOL_FUNCTIONS =
      Set.of(
          "pg_try_advisory_lock",
          "pg_try_advisory_lock_shared",
          "pg_try_advisory_xact_lock",
          "pg_try_advisory_xact_lock_shared",
          "pg_advisory_unlock",
          "pg_advisory_unlock_shared");

  private static final Set<String> NAME_FUNCTIONS =
      Set.of("current_schema", "current_database", "current_user", "session_user");

  /** Functions whose type follows their (first) argument's: {@link #overColumn}. */
  static final Set<String> OVER_COLUMN = Set.of("sum", "avg", "min", "max", "coalesce", "nullif");

  private ExpressionTypes() {}

  /** The type of an expression, or null when it is not shown by the text. */
  static PgType type(List<Token> e) {
    if (e.isEmpty()) {
      return null;
    }
    if (isBoolean(e)) {
      return PgType.BOOL;
    }
    int cast = lastCast(e);
    if (cast >= 0) {
      return isCastOperand(e.subList(0, cast))
          ? castType(ExpressionTokens.castTypeName(e, cast + 2))
          : null;
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
    PgType arithmetic = typedArithmetic(e);
    if (arithmetic != null) {
      return arithmetic;
    }
    if (e.get(0).isWord("CASE") && closing(e, 0) == e.size() - 1) {
      return caseType(e);
    }
    if (e.size() >= 3
        && e.get(0).kind() == Kind.WORD
        && e.get(1).is('(')
        && closing(e, 1) == e.size() - 1) {
      return function(e.get(0).text().toLowerCase(Locale.ROOT), e.subList(2, e.size() - 1));
    }
    if (e.size() >= 2 && e.get(0).is('(') && closing(e, 0) == e.size() - 1) {
      List<Token> inner = e.subList(1, e.size() - 1);
      if (!inner.isEmpty() && inner.get(0).isWord("SELECT")) {
        List<SelectList.Item> items = SelectList.of(inner);
        return items.isEmpty() ? null : items.get(0).type();
      }
      return type(inner);
    }
    return null;
  }

  /**
   * The type of {@code function} (sum, avg, min, max, coalesce, nullif) over a column declared
   * {@code declared}, as PostgreSQL types it; null when the declared type says nothing. A column
   * declared with {@code INT} is int4 in PostgreSQL unless it says BIGINT or INT8 (int8 here, as
   * its values are; sum and avg follow PostgreSQL's int4 and int8 rules).
   */
  static PgType overColumn(String function, String declared) {
    PgType column = PgType.forDeclared(declared);
    if (column == null) {
      return null;
    }
    String d = declared.toUpperCase(Locale.ROOT);
    boolean int8 = d.contains("BIGINT") || d.contains("INT8") || d.contains("BIGSERIAL");
    return switch (function) {
      case "sum" -> column == PgType.INT8 ? (int8 ? PgType.NUMERIC : PgType.INT8) : numeric(column);
      case "avg" -> column == PgType.INT8 ? PgType.NUMERIC : numeric(column);
      default -> column;
    };
  }

  private static PgType numeric(PgType column) {
    return column == PgType.FLOAT8 || column == PgType.NUMERIC ? column : null;
  }

  /**
   * Numeric types in PostgreSQL's order of promotion: int4 + int8 is int8, int8 * numeric numeric.
   */
  private static final List<PgType> NUMERIC_ORDER =
      List.of(PgType.INT4, PgType.INT8, PgType.NUMERIC, PgType.FLOAT8);

  /**
   * {@code a + b}, {@code x::float8 / 2} and the like whose operands are all typed numbers: the
   * widest of their types; null when an operand is not typed (a column) or not a number.
   */
  private static PgType typedArithmetic(List<Token> e) {
    if (!hasTopLevelArithmetic(e)) {
      return null; // one operand: typed by type() itself
    }
    int depth = 0;
    int from = 0;
    int widest = -1;
    boolean binary = false;
    for (int i = 0; i <= e.size(); i++) {
      Token t = i < e.size() ? e.get(i) : null;
      boolean operator =
          t != null
              && depth == 0
              && i > from
              && (t.is('+') || t.is('-') || t.is('*') || t.is('/') || t.is('%'));
      if (t == null || operator) {
        List<Token> operand = e.subList(from, i);
        while (!operand.isEmpty() && (operand.get(0).is('-') || operand.get(0).is('+'))) {
          operand = operand.subList(1, operand.size()); // unary
        }
        PgType type = operand.isEmpty() ? null : type(operand);
        int rank = type == null ? -1 : NUMERIC_ORDER.indexOf(type);
        if (rank < 0) {
          return null;
        }
        widest = Math.max(widest, rank);
        binary |= operator;
        from = i + 1;
        continue;
      }
      depth += opens(t) ? 1 : closes(t) ? -1 : 0;
    }
    return binary ? NUMERIC_ORDER.get(widest) : null;
  }

  private static boolean hasTopLevelArithmetic(List<Token> e) {
    int depth = 0;
    for (int i = 0; i < e.size(); i++) {
      Token t = e.get(i);
      depth += opens(t) ? 1 : closes(t) ? -1 : 0;
      boolean operator = t.is('+') || t.is('-') || t.is('*') || t.is('/') || t.is('%');
      if (depth == 0 && i > 0 && operator && !isOperator(e.get(i - 1))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isOperator(Token t) {
    return t.is('+') || t.is('-') || t.is('*') || t.is('/') || t.is('%') || t.is('(');
  }

  /** Whether {@code e} is what a cast may apply to: a primary, or itself a cast of one. */
  private static boolean isCastOperand(List<Token> e) {
    if (!e.isEmpty() && (e.get(0).is('-') || e.get(0).is('+'))) {
      e = e.subList(1, e.size());
    }
    int cast = lastCast(e);
    return cast >= 0 ? isCastOperand(e.subList(0, cast)) : isPrimary(e);
  }

  /** The type of the first result of a CASE whose text shows one. */
  private static PgType caseType(List<Token> e) {
    int depth = 0;
    int from = -1;
    for (int i = 1; i < e.size(); i++) {
      Token t = e.get(i);
      boolean branchEnd = depth == 0 && (t.isWord("WHEN") || t.isWord("ELSE") || i == e.size() - 1);
      if (branchEnd && from >= 0) {
        PgType type = type(e.subList(from, i));
        if (type != null && !(i - from == 1 && e.get(from).isWord("NULL"))) {
          return type;
        }
        from = -1;
      }
      if (depth == 0 && (t.isWord("THEN") || t.isWord("ELSE"))) {
        from = i + 1;
      }
      depth += opens(t) ? 1 : closes(t) ? -1 : 0;
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
      case "coalesce":
      case "nullif":
        return firstTyped(args);
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
    if (NAME_FUNCTIONS.contains(name)) {
      return PgType.NAME;
    }
    return null;
  }

  /** The type of the first argument that is not NULL, when the text shows it. */
  private static PgType firstTyped(List<Token> args) {
    int depth = 0;
    int from = 0;
    for (int i = 0; i <= args.size(); i++) {
      Token t = i < args.size() ? args.get(i) : null;
      if (t == null || (depth == 0 && t.is(','))) {
        List<Token> arg = args.subList(from, i);
        if (!(arg.size() == 1 && arg.get(0).isWord("NULL"))) {
          return type(arg);
        }
        from = i + 1;
        continue;
      }
      depth += opens(t) ? 1 : closes(t) ? -1 : 0;
    }
    return null;
  }

  /** {@code CAST(x AS type)}: the type as PostgreSQL names it. */
  private static PgType cast(List<Token> args) {
    int depth = 0;
    for (int i = 0; i < args.size(); i++) {
      Token t = args.get(i);
      depth += opens(t) ? 1 : closes(t) ? -1 : 0;
      if (depth == 0 && t.isWord("AS") && i + 1 < args.size()) {
        return castType(ExpressionTokens.castTypeName(args, i + 1));
      }
    }
    return null;
  }

  /** The type of a cast to {@code name} (pg_type's spelling: {@link ExpressionTokens}). */
  static PgType castType(String name) {
    return switch (name) {
      case "int4", "int2" -> PgType.INT4; // int2 is not reported here; int4 holds every int2
      case "int8" -> PgType.INT8;
      case "float4", "float8" -> PgType.FLOAT8; // SQLite's REAL is a double: float4 loses digits
      case "text", "name", "citext" -> PgType.TEXT;
      case "varchar" -> PgType.VARCHAR;
      case "bpchar" -> PgType.BPCHAR;
      case "bool" -> PgType.BOOL;
      case "timestamptz", "time", "timetz", "interval" -> null;
      default -> PgType.forDeclared(name);
    };
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
}
