package io.heliosdb.nano.wire.sql;

import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.session.SqlTokens;
import io.heliosdb.nano.session.SqlTokens.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A PostgreSQL type name in a cast, as {@link PgCasts} reads it ({@code int4}, {@code double
 * precision}, {@code varchar(20)}, {@code numeric(10,2)}, {@code timestamp with time zone}, {@code
 * pg_catalog.int8}), and the SQLite storage class its values get.
 *
 * @param target the storage class, null for a reg* type left to the catalog layer
 * @param end the index of the first token after the type name
 * @param length varchar(n)/char(n): n, else 0
 * @param scale numeric(p,s): s, else 0
 */
record PgCastType(Target target, int end, int length, int scale) {
  /** What a cast produces in SQLite. */
  enum Target {
    INTEGER,
    REAL,
    NUMERIC,
    TEXT,
    BOOLEAN,
    BLOB
  }

  /** Functions that return the same for the same arguments and change nothing. */
  static final Set<String> DETERMINISTIC =
      Set.of(
          "abs",
          "avg",
          "sum",
          "total",
          "min",
          "max",
          "count",
          "round",
          "coalesce",
          "ifnull",
          "nullif",
          "length",
          "lower",
          "upper",
          "trim",
          "cast",
          "substr",
          "substring",
          "iif");

  private static final Map<String, Target> TYPES =
      Map.ofEntries(
          Map.entry("int", Target.INTEGER),
          Map.entry("int2", Target.INTEGER),
          Map.entry("int4", Target.INTEGER),
          Map.entry("int8", Target.INTEGER),
          Map.entry("integer", Target.INTEGER),
          Map.entry("smallint", Target.INTEGER),
          Map.entry("bigint", Target.INTEGER),
          Map.entry("oid", Target.INTEGER),
          Map.entry("float", Target.REAL),
          Map.entry("float4", Target.REAL),
          Map.entry("float8", Target.REAL),
          Map.entry("real", Target.REAL),
          Map.entry("double precision", Target.REAL),
          Map.entry("numeric", Target.NUMERIC),
          Map.entry("decimal", Target.NUMERIC),
          Map.entry("text", Target.TEXT),
          Map.entry("varchar", Target.TEXT),
          Map.entry("character varying", Target.TEXT),
          Map.entry("char", Target.TEXT),
          Map.entry("character", Target.TEXT),
          Map.entry("bpchar", Target.TEXT),
          Map.entry("name", Target.TEXT),
          Map.entry("citext", Target.TEXT),
          Map.entry("uuid", Target.TEXT),
          Map.entry("json", Target.TEXT),
          Map.entry("jsonb", Target.TEXT),
          Map.entry("xml", Target.TEXT),
          Map.entry("date", Target.TEXT),
          Map.entry("time", Target.TEXT),
          Map.entry("timetz", Target.TEXT),
          Map.entry("time with time zone", Target.TEXT),
          Map.entry("time without time zone", Target.TEXT),
          Map.entry("timestamp", Target.TEXT),
          Map.entry("timestamptz", Target.TEXT),
          Map.entry("timestamp with time zone", Target.TEXT),
          Map.entry("timestamp without time zone", Target.TEXT),
          Map.entry("interval", Target.TEXT),
          Map.entry("inet", Target.TEXT),
          Map.entry("cidr", Target.TEXT),
          Map.entry("macaddr", Target.TEXT),
          Map.entry("bool", Target.BOOLEAN),
          Map.entry("boolean", Target.BOOLEAN),
          Map.entry("bytea", Target.BLOB));

  /** SQLite's own names, for CAST(x AS ...) only. */
  private static final Map<String, Target> SQLITE_TYPES =
      Map.of("blob", Target.BLOB, "double", Target.REAL);

  private static final Set<String> INTERVAL_FIELDS =
      Set.of("year", "month", "day", "hour", "minute", "second", "to");

  /** Whether this is a reg* type, left for the catalog layer. */
  boolean leftAlone() {
    return target == null;
  }

  /**
   * The type name starting at token {@code i}. After {@code ::} ({@code strict}), a name not known
   * is 42704 and an array type 0A000; in CAST(... AS type) it is null (SQLite's own type names).
   */
  static PgCastType parse(List<Token> t, int i, boolean strict) throws HeliosSqlException {
    if (i + 2 < t.size()
        && t.get(i).name().equalsIgnoreCase("pg_catalog")
        && t.get(i + 1).is('.')) {
      i += 2;
    }
    if (i >= t.size() || !PgCasts.isName(t.get(i))) {
      if (strict) {
        throw new HeliosSqlException(SqlState.SYNTAX_ERROR, "syntax error at or near \"::\"");
      }
      return null;
    }
    String first = t.get(i).name().toLowerCase(Locale.ROOT);
    StringBuilder name = new StringBuilder(first);
    int k = i + 1;
    if (first.equals("double") && word(t, k, "precision")
        || (first.equals("character") || first.equals("char") || first.equals("bit"))
            && word(t, k, "varying")) {
      name.append(' ').append(t.get(k).text().toLowerCase(Locale.ROOT));
      k++;
    }
    List<Integer> modifiers = new ArrayList<>();
    if (k < t.size() && t.get(k).is('(')) {
      int close = PgSyntax.closing(t, k);
      if (close < 0) {
        throw new HeliosSqlException(SqlState.SYNTAX_ERROR, "syntax error in type " + name);
      }
      for (int m = k + 1; m < close; m++) {
        if (t.get(m).text().matches("[0-9]+")) {
          modifiers.add(Integer.parseInt(t.get(m).text()));
        }
      }
      k = close + 1;
    }
    if ((first.equals("timestamp") || first.equals("time"))
        && (word(t, k, "with") || word(t, k, "without"))
        && word(t, k + 1, "time")
        && word(t, k + 2, "zone")) {
      name.append(' ').append(t.get(k).text().toLowerCase(Locale.ROOT)).append(" time zone");
      k += 3;
    }
    if (first.equals("interval")) {
      while (k < t.size()
          && t.get(k).kind() == SqlTokens.Kind.WORD
          && INTERVAL_FIELDS.contains(t.get(k).text().toLowerCase(Locale.ROOT))) {
        k++;
      }
    }
    String key = name.toString();
    boolean array =
        k < t.size()
            && (t.get(k).isWord("ARRAY")
                || t.get(k).kind() == SqlTokens.Kind.QUOTED_IDENT
                    && t.get(k).text().startsWith("["));
    if (array || key.startsWith("_")) {
      throw PgSyntax.unsupported("array types are not supported: " + key + "[]");
    }
    if (key.startsWith("reg")) {
      return new PgCastType(null, k, 0, 0);
    }
    Target target = TYPES.get(key);
    if (target == null && !strict) {
      target = SQLITE_TYPES.get(key);
      if (target == null) {
        return null;
      }
    }
    if (target == null) {
      throw new HeliosSqlException(
          SqlState.UNDEFINED_OBJECT, "type \"" + t.get(i).name() + "\" does not exist");
    }
    int length =
        target == Target.TEXT && !modifiers.isEmpty() && !first.startsWith("time")
            ? modifiers.get(0)
            : 0;
    int scale = target == Target.NUMERIC && modifiers.size() > 1 ? modifiers.get(1) : 0;
    return new PgCastType(target, k, length, scale);
  }

  private static boolean word(List<Token> t, int k, String w) {
    return k < t.size() && t.get(k).isWord(w);
  }
}
