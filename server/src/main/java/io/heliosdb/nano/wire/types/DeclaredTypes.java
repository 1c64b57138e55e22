package io.heliosdb.nano.wire.types;

import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * How a column's declared type maps to a PostgreSQL type: SQLite's affinity rules, in SQLite's
 * order, after the names PostgreSQL has and SQLite does not (BOOLEAN, TIMESTAMP, DATE, JSON, UUID).
 * One list of rules serves RowDescription ({@link #of}) and the emulated pg_attribute ({@link
 * #oidSql}), so that the catalog and the results never tell a client two types.
 */
final class DeclaredTypes {
  private enum Match {
    CONTAINS,
    STARTS_WITH,
    EQUALS
  }

  /** A rule: a declared type (upper case) that matches {@code text} so is {@code type}. */
  private record Rule(Match how, String text, PgType type) {
    boolean matches(String upper) {
      return switch (how) {
        case CONTAINS -> upper.contains(text);
        case STARTS_WITH -> upper.startsWith(text);
        case EQUALS -> upper.equals(text);
      };
    }

    /** The same test in SQLite (LIKE ignores ASCII case, as the upper-casing does here). */
    String sql(String column) {
      return switch (how) {
        case CONTAINS -> column + " LIKE '%" + text + "%'";
        case STARTS_WITH -> column + " LIKE '" + text + "%'";
        case EQUALS -> "upper(" + column + ") = '" + text + "'";
      };
    }
  }

  private static final List<Rule> RULES =
      List.of(
          new Rule(Match.CONTAINS, "BOOL", PgType.BOOL),
          new Rule(Match.CONTAINS, "TIMESTAMP", PgType.TIMESTAMP),
          new Rule(Match.CONTAINS, "DATETIME", PgType.TIMESTAMP),
          new Rule(Match.CONTAINS, "DATE", PgType.DATE),
          new Rule(Match.CONTAINS, "JSONB", PgType.JSONB),
          new Rule(Match.CONTAINS, "JSON", PgType.JSON),
          new Rule(Match.CONTAINS, "UUID", PgType.UUID),
          // SQLite's affinity rules, in SQLite's order.
          new Rule(Match.CONTAINS, "INT", PgType.INT8),
          new Rule(Match.CONTAINS, "VARCHAR", PgType.VARCHAR),
          new Rule(Match.CONTAINS, "VARYING", PgType.VARCHAR),
          // char(n): SQLite keeps no padding, PostgreSQL's text form is the same
          new Rule(Match.STARTS_WITH, "CHAR(", PgType.BPCHAR),
          new Rule(Match.STARTS_WITH, "CHARACTER(", PgType.BPCHAR),
          new Rule(Match.EQUALS, "BPCHAR", PgType.BPCHAR),
          new Rule(Match.CONTAINS, "CHAR", PgType.TEXT),
          new Rule(Match.CONTAINS, "CLOB", PgType.TEXT),
          new Rule(Match.CONTAINS, "TEXT", PgType.TEXT),
          new Rule(Match.CONTAINS, "BLOB", PgType.BYTEA),
          new Rule(Match.CONTAINS, "BYTEA", PgType.BYTEA),
          new Rule(Match.CONTAINS, "REAL", PgType.FLOAT8),
          new Rule(Match.CONTAINS, "FLOA", PgType.FLOAT8),
          new Rule(Match.CONTAINS, "DOUB", PgType.FLOAT8),
          new Rule(Match.CONTAINS, "NUMERIC", PgType.NUMERIC),
          new Rule(Match.CONTAINS, "DECIMAL", PgType.NUMERIC));

  private DeclaredTypes() {}

  /** The type of a column declared {@code typeName}; null when the rules say none. */
  static PgType of(String typeName) {
    String upper = typeName == null ? "" : typeName.toUpperCase(Locale.ROOT);
    for (Rule r : RULES) {
      if (r.matches(upper)) {
        return r.type();
      }
    }
    return null;
  }

  /**
   * SQLite's expression for the OID of the type declared in {@code column} (an SQL expression), by
   * the same rules; text's when they say none.
   */
  static String oidSql(String column) {
    StringJoiner cases = new StringJoiner(" ", "CASE ", " ELSE " + PgType.TEXT.oid() + " END");
    for (Rule r : RULES) {
      cases.add("WHEN " + r.sql(column) + " THEN " + r.type().oid());
    }
    return cases.toString();
  }
}
