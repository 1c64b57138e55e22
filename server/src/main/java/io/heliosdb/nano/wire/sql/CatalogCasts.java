package io.heliosdb.nano.wire.sql;

import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.session.SqlTokens;
import io.heliosdb.nano.session.SqlTokens.Token;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Casts, array comparisons and boolean literals of catalog queries (psql's, SQLAlchemy's), written
 * for SQLite on tokens:
 *
 * <ul>
 *   <li>before the general cast translation, a cast to an array type ({@code x::pg_catalog.int2[]})
 *       is dropped: the catalog's arrays are text in PostgreSQL's form already;
 *   <li>{@code x::regclass} (x not a literal) becomes the relation's name, {@code x::regclass::oid}
 *       the OID of the named relation, {@code x::regtype} {@code format_type(x, NULL)}, {@code
 *       x::regnamespace} the schema's name;
 *   <li>{@code x = ANY (array)} becomes {@code x IN (SELECT value FROM json_each(...))};
 *   <li>{@code ARRAY(SELECT ...)} becomes the text form of the array of its rows;
 *   <li>{@code AS default} (a word SQLite reserves) is quoted; {@code json_build_object} is {@code
 *       json_object};
 *   <li>a boolean catalog column compared with {@code 't'} or {@code 'f'} is compared with 1 or 0
 *       (SQLite's booleans).
 * </ul>
 */
final class CatalogCasts {
  /** Boolean columns of the emulated tables that clients compare with 't' / 'f'. */
  private static final Set<String> BOOLEANS =
      Set.of(
          "indisprimary",
          "indisunique",
          "indisclustered",
          "indisvalid",
          "indimmediate",
          "attnotnull",
          "atthasdef",
          "attisdropped",
          "relhasindex",
          "relispartition",
          "condeferrable",
          "condeferred",
          "convalidated",
          "rolsuper",
          "rolcanlogin",
          "typnotnull",
          "typisdefined",
          "rolinherit",
          "rolcreaterole",
          "rolcreatedb",
          "rolreplication",
          "rolbypassrls",
          "indisreplident",
          "indisexclusion",
          "indnullsnotdistinct",
          "relhasrules",
          "relhastriggers",
          "relrowsecurity",
          "relforcerowsecurity",
          "relhassubclass",
          "relispopulated",
          "typbyval",
          "typispreferred",
          "attislocal",
          "usesuper",
          "usecreatedb",
          "datistemplate",
          "datallowconn",
          "tgisinternal",
          "polpermissive",
          "inhdetachpending");

  private CatalogCasts() {}

  /** Drops casts to array types, before {@link PgSyntax} would refuse them. */
  static String dropArrayCasts(String sql) {
    List<Token> t = SqlTokens.ofPostgres(sql);
    StringBuilder b = new StringBuilder(sql.length());
    int copied = 0;
    for (int i = 0; i + 3 < t.size(); i++) {
      if (!(t.get(i).is(':') && t.get(i + 1).is(':'))) {
        continue;
      }
      int k = i + 2;
      if (k + 2 < t.size() && t.get(k).isWord("pg_catalog") && t.get(k + 1).is('.')) {
        k += 2;
      }
      if (k + 1 < t.size()
          && t.get(k).kind() == SqlTokens.Kind.WORD
          && t.get(k + 1).text().equals("[]")) {
        b.append(sql, copied, t.get(i).start());
        copied = t.get(k + 1).end();
        i = k + 1;
      }
    }
    return b.append(sql, copied, sql.length()).toString();
  }

  /** The forms above (but the array casts), adding the tables they read to {@code used}. */
  static String translate(String sql, Set<String> used) throws HeliosSqlException {
    String text = regCasts(sql, used);
    text = anyArray(text);
    text = arraySubqueries(text);
    text = escapeStrings(text);
    text = keywordAliasesAndFunctions(text);
    return booleanOutputs(literals(text));
  }

  private static String regCasts(String text, Set<String> used) throws HeliosSqlException {
    List<Token> t = SqlTokens.ofPostgres(text);
    for (int i = 1; i + 2 < t.size(); i++) {
      if (!(t.get(i).is(':') && t.get(i + 1).is(':'))) {
        continue;
      }
      String type = t.get(i + 2).text().toLowerCase(Locale.ROOT);
      if (!Set.of("regclass", "regtype", "regnamespace").contains(type)) {
        continue;
      }
      int start = PgCasts.operandStart(t, i - 1);
      String operand = text.substring(t.get(start).start(), t.get(i - 1).end());
      int end = i + 2;
      String replacement;
      if (type.equals("regclass")
          && end + 3 < t.size()
          && t.get(end + 1).is(':')
          && t.get(end + 2).is(':')
          && t.get(end + 3).isWord("oid")) {
        replacement = "heliosdb_table_oid(" + operand + ")";
        end += 3;
      } else if (type.equals("regclass")) {
        used.add("pg_class");
        replacement =
            "(SELECT heliosdb_rc.relname FROM "
                + CatalogForms.key(operand)
                + " JOIN pg_class heliosdb_rc ON heliosdb_rc.oid = heliosdb_key.k)";
      } else if (type.equals("regtype")) {
        replacement = "format_type(" + operand + ", NULL)";
      } else {
        used.add("pg_namespace");
        replacement =
            "(SELECT heliosdb_ns.nspname FROM "
                + CatalogForms.key(operand)
                + " JOIN pg_namespace heliosdb_ns ON heliosdb_ns.oid = heliosdb_key.k)";
      }
      return regCasts(
          text.substring(0, t.get(start).start()) + replacement + text.substring(t.get(end).end()),
          used);
    }
    return text;
  }

  /** {@code = ANY (array)}: membership in the array's elements. */
  private static String anyArray(String text) {
    List<Token> t = SqlTokens.ofPostgres(text);
    for (int i = 0; i + 2 < t.size(); i++) {
      if (t.get(i).is('=') && t.get(i + 1).isWord("ANY") && t.get(i + 2).is('(')) {
        int close = CatalogForms.closing(t, i + 2);
        if (close < 0) {
          return text;
        }
        String array = text.substring(t.get(i + 2).end(), t.get(close).start()).strip();
        if (array.regionMatches(true, 0, "SELECT", 0, 6)) {
          continue; // = ANY (subquery) is IN, which SQLite reads as such only when written so
        }
        return anyArray(
            text.substring(0, t.get(i).start())
                + "IN (SELECT value FROM json_each(heliosdb_array_json("
                + array
                + ")))"
                + text.substring(t.get(close).end()));
      }
    }
    return text;
  }

  /** {@code ARRAY(SELECT ...)}: <code>{a,b}</code>, the array's text form. */
  private static String arraySubqueries(String text) {
    List<Token> t = SqlTokens.ofPostgres(text);
    for (int i = 0; i + 2 < t.size(); i++) {
      if (t.get(i).isWord("ARRAY") && t.get(i + 1).is('(') && t.get(i + 2).isWord("SELECT")) {
        int close = CatalogForms.closing(t, i + 1);
        if (close < 0) {
          return text;
        }
        String query = text.substring(t.get(i + 1).end(), t.get(close).start());
        return arraySubqueries(
            text.substring(0, t.get(i).start())
                + "(WITH heliosdb_arr(v) AS ("
                + query
                + ") SELECT '{' || coalesce(group_concat(v, ','), '') || '}' FROM heliosdb_arr)"
                + text.substring(t.get(close).end()));
      }
    }
    return text;
  }

  /**
   * A boolean catalog column in the statement's own select list, {@code r.rolsuper}, becomes {@code
   * (r.rolsuper <> 0) AS rolsuper}, which the server types bool: psql tests such columns for {@code
   * t}, which SQLite's 1 is not.
   */
  private static String booleanOutputs(String text) {
    List<Token> t = SqlTokens.ofPostgres(text);
    if (t.isEmpty() || !t.get(0).isWord("SELECT")) {
      return text;
    }
    StringBuilder b = new StringBuilder(text.length() + 64);
    int copied = 0;
    int depth = 0;
    int itemStart = 1;
    for (int i = 1; i <= t.size(); i++) {
      Token k = i < t.size() ? t.get(i) : null;
      if (k != null && k.is('(')) {
        depth++;
      } else if (k != null && k.is(')')) {
        depth--;
      }
      boolean end = k == null || (depth == 0 && (k.is(',') || k.isWord("FROM")));
      if (end && depth <= 0) {
        int last = i - 1;
        int chainEnd = itemStart;
        while (chainEnd + 2 <= last && t.get(chainEnd + 1).is('.')) {
          chainEnd += 2;
        }
        boolean alias = chainEnd < last;
        boolean plain =
            chainEnd >= itemStart
                && PgCasts.isName(t.get(chainEnd))
                && (!alias
                    || (chainEnd + 1 == last && t.get(last).kind() == SqlTokens.Kind.WORD)
                    || (chainEnd + 2 == last && t.get(chainEnd + 1).isWord("AS")));
        String column = t.get(chainEnd).text().toLowerCase(Locale.ROOT);
        if (plain && BOOLEANS.contains(column) && t.get(chainEnd).kind() == SqlTokens.Kind.WORD) {
          b.append(text, copied, t.get(itemStart).start())
              .append('(')
              .append(text, t.get(itemStart).start(), t.get(chainEnd).end())
              .append(" <> 0)")
              .append(alias ? "" : " AS " + column);
          copied = t.get(chainEnd).end();
        }
        if (k == null || k.isWord("FROM")) {
          break;
        }
        itemStart = i + 1;
      }
    }
    return b.append(text, copied, text.length()).toString();
  }

  /** Words SQLite reserves that PostgreSQL takes as column aliases ({@code AS default}). */
  private static final Set<String> RESERVED_ALIASES =
      Set.of(
          "default",
          "check",
          "table",
          "column",
          "index",
          "order",
          "group",
          "primary",
          "unique",
          "references",
          "constraint",
          "limit",
          "offset",
          "key");

  /**
   * {@code AS default} becomes {@code AS "default"} (PostgreSQL's lower-cased name), which SQLite
   * reads as an alias; {@code json_build_object(...)} SQLite's {@code json_object(...)}.
   */
  private static String keywordAliasesAndFunctions(String text) {
    List<Token> t = SqlTokens.ofPostgres(text);
    StringBuilder b = new StringBuilder(text.length());
    int copied = 0;
    for (int i = 0; i + 1 < t.size(); i++) {
      Token next = t.get(i + 1);
      String lower = next.text().toLowerCase(Locale.ROOT);
      if (t.get(i).isWord("AS")
          && next.kind() == SqlTokens.Kind.WORD
          && RESERVED_ALIASES.contains(lower)) {
        b.append(text, copied, next.start()).append('"').append(lower).append('"');
        copied = next.end();
      } else if (t.get(i).isWord("json_build_object") && next.is('(')) {
        b.append(text, copied, t.get(i).start()).append("json_object");
        copied = t.get(i).end();
      }
    }
    return b.append(text, copied, text.length()).toString();
  }

  /** {@code E'a\nb'}: the same string as a standard literal. */
  private static String escapeStrings(String text) {
    List<Token> t = SqlTokens.ofPostgres(text);
    StringBuilder b = new StringBuilder(text.length());
    int copied = 0;
    for (Token k : t) {
      String s = k.text();
      if (k.kind() == SqlTokens.Kind.STRING && (s.startsWith("E'") || s.startsWith("e'"))) {
        StringBuilder v = new StringBuilder();
        String body = s.substring(2, s.length() - 1);
        for (int i = 0; i < body.length(); i++) {
          char c = body.charAt(i);
          if (c == '\\' && i + 1 < body.length()) {
            char n = body.charAt(++i);
            v.append(n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n == 'b' ? '\b' : n);
          } else if (c == '\'' && i + 1 < body.length() && body.charAt(i + 1) == '\'') {
            v.append(c);
            i++;
          } else {
            v.append(c);
          }
        }
        b.append(text, copied, k.start()).append('\'').append(v.toString().replace("'", "''"));
        b.append('\'');
        copied = k.end();
      }
    }
    return b.append(text, copied, text.length()).toString();
  }

  /**
   * {@code ix.indisprimary = 'f'}: {@code = 0}; {@code c.oid = '16385'} (psql quotes OIDs): {@code
   * = 16385}, the catalog's OIDs being integers.
   */
  private static String literals(String text) {
    List<Token> t = SqlTokens.ofPostgres(text);
    StringBuilder b = new StringBuilder(text.length());
    int copied = 0;
    for (int i = 0; i + 2 < t.size(); i++) {
      Token value = t.get(i + 2);
      boolean eq = t.get(i + 1).is('=');
      if (eq
          && BOOLEANS.contains(t.get(i).text().toLowerCase(Locale.ROOT))
          && value.kind() == SqlTokens.Kind.STRING
          && (value.text().equals("'t'") || value.text().equals("'f'"))) {
        b.append(text, copied, value.start()).append(value.text().equals("'t'") ? "1" : "0");
        copied = value.end();
      } else if (eq
          && t.get(i).text().toLowerCase(Locale.ROOT).matches(".*(oid|relid|parent)")
          && value.kind() == SqlTokens.Kind.STRING
          && value.text().matches("'[0-9]+'")) {
        b.append(text, copied, value.start()).append(value.text(), 1, value.text().length() - 1);
        copied = value.end();
      }
    }
    return b.append(text, copied, text.length()).toString();
  }
}
