package io.heliosdb.nano.wire.sql;

import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.session.SqlTokens;
import io.heliosdb.nano.session.SqlTokens.Token;
import io.heliosdb.nano.wire.messages.HintedSqlException;
import io.heliosdb.nano.wire.types.TableOids;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of PostgreSQL's system catalog that drivers read for type information, for statements on
 * their way to SQLite. {@code pg_catalog.pg_type} and {@code pg_catalog.pg_namespace} (also
 * unqualified, as on PostgreSQL's search path) become common table expressions put in front of the
 * statement ({@link PgCatalogTables}); {@code pg_catalog.} before a function name is dropped
 * ({@code pg_catalog.version()}). Any other relation of {@code pg_catalog} or {@code
 * information_schema} fails at once with 42P01 and a hint that says what to use instead, before
 * SQLite sees PostgreSQL syntax it would misreport.
 *
 * <p>In statements that read the emulated tables, three PostgreSQL forms that pgjdbc's
 * TypeInfoCache uses are rewritten (nothing else): {@code = ANY (current_schemas(b))} becomes
 * {@code IN ('pg_catalog', 'public')} (or {@code IN ('public')} without the implicit schemas);
 * {@code 'pg_catalog.array_in'::regproc} becomes {@code 'array_in'}; and pgjdbc's ranking of
 * schemas on the search path ({@code LEFT JOIN (select ns.oid as nspoid ... generate_series ...) as
 * sp ON sp.nspoid = typnamespace}) becomes a plain join on pg_namespace, every type here being in
 * pg_catalog. If such a statement still fails in SQLite on syntax or an unknown function or column,
 * the error is 0A000 saying that the catalog query is not supported.
 */
final class PgCatalog {
  /** The hint of every catalog error: what is emulated, and what psql users can use instead. */
  static final String HINT =
      "HeliosDB Nano emulates pg_catalog's pg_class, pg_attribute, pg_attrdef, pg_index,"
          + " pg_constraint, pg_namespace, pg_type, pg_database, pg_settings, pg_am, pg_roles,"
          + " pg_user and, empty, pg_description, pg_proc, pg_depend, pg_trigger, pg_inherits,"
          + " pg_auth_members and a few more; no other catalog table."
          + " List tables with SELECT name, type FROM sqlite_schema; a table's columns with"
          + " SELECT * FROM pragma_table_info('table_name').";

  private static final Pattern MAY_REFER =
      Pattern.compile(
          "(?i)pg_(?:type|namespace|catalog|class|attribute|attrdef|database|description|index"
              + "|constraint|settings|am|roles|user|auth_members|proc|depend|trigger|inherits"
              + "|policy|statistic_ext|publication|collation|rewrite|tablespace|sequence|extension"
              + "|enum)|information_schema|heliosdb_indexes");
  private static final Pattern OPERATOR =
      Pattern.compile("(?i)OPERATOR\\s*\\(\\s*(?:pg_catalog\\s*\\.\\s*)?(!?~\\*?)\\s*\\)");
  private static final Pattern REGEX_OP = Pattern.compile("(!?)~(\\*?)");
  private static final Pattern REGCLASS =
      Pattern.compile("(?i)'(?:pg_catalog\\.)?(\\w+)'::regclass");
  private static final Pattern FIRST_SCHEMA =
      Pattern.compile(
          "(?i)\\(\\s*current_schemas\\s*\\(\\s*(?:true|false)\\s*\\)\\s*\\)\\s*\\[\\s*1\\s*\\]");
  private static final Pattern ANY_SCHEMAS =
      Pattern.compile(
          "(?i)=\\s*ANY\\s*\\(\\s*current_schemas\\s*\\(\\s*(true|false)\\s*\\)\\s*\\)");
  private static final Pattern REGPROC = Pattern.compile("(?i)'(?:pg_catalog\\.)?(\\w+)'::regproc");
  private static final Pattern SCHEMA_RANK =
      Pattern.compile(
          "(?is)LEFT\\s+JOIN\\s*\\(\\s*select\\s+ns\\.oid\\s+as\\s+nspoid\\b.*?\\)\\s*as\\s+sp\\s+"
              + "ON\\s+sp\\.nspoid\\s*=\\s*typnamespace");
  private static final String SCHEMA_RANK_SQLITE =
      "LEFT JOIN (SELECT oid AS nspoid, nspname, 1 AS r FROM pg_namespace) AS sp"
          + " ON sp.nspoid = typnamespace";

  /** The emulated tables, in the order their CTEs are put in front. */
  private static final Map<String, String> TABLES = new LinkedHashMap<>();

  static {
    TABLES.put("pg_namespace", PgCatalogTables.PG_NAMESPACE);
    TABLES.put("pg_type", PgCatalogTables.PG_TYPE);
    TABLES.put("heliosdb_indexes", CatalogKeys.INDEXES);
    TABLES.put("pg_class", CatalogRelations.PG_CLASS);
    TABLES.put("pg_attribute", CatalogRelations.PG_ATTRIBUTE);
    TABLES.put("pg_attrdef", CatalogRelations.PG_ATTRDEF);
    TABLES.put("pg_index", CatalogKeys.PG_INDEX);
    TABLES.put("pg_constraint", CatalogKeys.PG_CONSTRAINT);
    TABLES.put("pg_database", PgCatalogTables.PG_DATABASE);
    TABLES.put("pg_description", CatalogRelations.PG_DESCRIPTION);
    TABLES.put("pg_settings", CatalogSystem.PG_SETTINGS);
    TABLES.put("pg_am", CatalogSystem.PG_AM);
    TABLES.put("pg_roles", CatalogSystem.PG_ROLES);
    TABLES.put("pg_user", CatalogSystem.PG_USER);
    for (String name : CatalogSystem.EMPTY.keySet()) {
      TABLES.put(name, CatalogSystem.empty(name));
    }
    for (String view : List.of("tables", "columns", "schemata")) {
      String name = "information_schema_" + view;
      TABLES.put(name, CatalogInformationSchema.VIEWS.get(name));
    }
  }

  /** Tables whose expressions read {@code heliosdb_indexes}. */
  private static final Set<String> READ_INDEXES = Set.of("pg_class", "pg_index", "pg_constraint");

  private PgCatalog() {}

  /** A statement for SQLite; {@code catalog} when it reads an emulated table. */
  record Rewritten(String sql, boolean catalog) {}

  /**
   * {@code sql} with its catalog references resolved.
   *
   * @throws HeliosSqlException 42P01 for a relation of pg_catalog or information_schema that is not
   *     emulated
   */
  /** Whether {@code ran}, a statement as rewritten, reads an emulated table (has its CTE). */
  static boolean readsCatalog(String ran) {
    return TABLES.values().stream().anyMatch(ran::contains);
  }

  /** Whether {@code sql} may name a catalog table. */
  static boolean mayRefer(String sql) {
    return MAY_REFER.matcher(sql).find();
  }

  static Rewritten rewrite(String sql) throws HeliosSqlException {
    if (!mayRefer(sql)) {
      return new Rewritten(sql, false);
    }
    sql = CatalogForms.dropCollate(sql);
    List<Token> tokens = SqlTokens.of(sql);
    Set<String> used = new TreeSet<>();
    StringBuilder out = new StringBuilder(sql.length() + 64);
    int copied = 0;
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (isName(t)
          && i + 2 < tokens.size()
          && tokens.get(i + 1).is('.')
          && isName(tokens.get(i + 2))) {
        String schema = t.name().toLowerCase(Locale.ROOT);
        String name = tokens.get(i + 2).name().toLowerCase(Locale.ROOT);
        boolean call = i + 3 < tokens.size() && tokens.get(i + 3).is('(');
        boolean cast = i >= 2 && tokens.get(i - 1).is(':') && tokens.get(i - 2).is(':');
        if (schema.equals("pg_catalog") && (call || cast || TABLES.containsKey(name))) {
          out.append(sql, copied, t.start()); // drop "pg_catalog."
          copied = tokens.get(i + 2).start();
          if (!call && !cast) {
            used.add(name);
          }
          i += 2;
        } else if (schema.equals("information_schema")
            && !call
            && TABLES.containsKey("information_schema_" + name)) {
          // information_schema.tables -> information_schema_tables AS tables (its own name).
          out.append(sql, copied, t.start()).append("information_schema_").append(name);
          Token next = i + 3 < tokens.size() ? tokens.get(i + 3) : null;
          boolean alias = next != null && (next.isWord("AS") || isAlias(next));
          out.append(alias ? "" : " AS " + name);
          copied = tokens.get(i + 2).end();
          used.add("information_schema_" + name);
          i += 2;
        } else if ((schema.equals("pg_catalog") || schema.equals("information_schema")) && !call) {
          throw new HintedSqlException(
              SqlState.UNDEFINED_TABLE,
              "relation \"" + schema + "." + name + "\" does not exist",
              HINT,
              null);
        }
      } else if (t.kind() == SqlTokens.Kind.WORD
          && TABLES.containsKey(t.text().toLowerCase(Locale.ROOT))
          && (i == 0 || !tokens.get(i - 1).is('.'))
          && (i + 1 == tokens.size() || !tokens.get(i + 1).is('('))) {
        used.add(t.text().toLowerCase(Locale.ROOT));
      }
    }
    String text = out.append(sql, copied, sql.length()).toString();
    if (used.isEmpty()) {
      return new Rewritten(text, false);
    }
    text = SCHEMA_RANK.matcher(text).replaceAll(SCHEMA_RANK_SQLITE);
    text = REGPROC.matcher(text).replaceAll("'$1'");
    text = FIRST_SCHEMA.matcher(text).replaceAll("'pg_catalog'");
    text = regclass(text);
    text = regexOperators(OPERATOR.matcher(text).replaceAll("$1"));
    Matcher any = ANY_SCHEMAS.matcher(text);
    StringBuilder b = new StringBuilder();
    while (any.find()) {
      boolean implicit = any.group(1).equalsIgnoreCase("true");
      any.appendReplacement(b, implicit ? "IN ('pg_catalog', 'public')" : "IN ('public')");
    }
    text = any.appendTail(b).toString();
    text = CatalogCasts.translate(text, used);
    text = CatalogForms.translate(text, used);
    return new Rewritten(withTables(text, used), true);
  }

  /**
   * The error to report for a statement that failed in SQLite: for a catalog statement, SQL that
   * SQLite could not read is 0A000; a missing table named like a catalog one ({@code pg_class})
   * says what is emulated.
   */
  static SQLException explain(SQLException e, boolean catalog) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    String state = e.getSQLState();
    if (catalog
        && (SqlState.SYNTAX_ERROR.code().equals(state)
            || SqlState.UNDEFINED_FUNCTION.code().equals(state)
            || SqlState.UNDEFINED_COLUMN.code().equals(state))) {
      return new HintedSqlException(
          SqlState.FEATURE_NOT_SUPPORTED,
          "this query on the PostgreSQL catalog is not supported: " + message,
          HINT,
          e);
    }
    int at = message.indexOf("no such table: ");
    if (at >= 0) {
      String table = message.substring(at + "no such table: ".length()).strip();
      String lower = table.toLowerCase(Locale.ROOT);
      if (lower.startsWith("pg_") || lower.startsWith("information_schema")) {
        return new HintedSqlException(
            SqlState.UNDEFINED_TABLE, "relation \"" + table + "\" does not exist", HINT, e);
      }
    }
    return e;
  }

  /** {@code 'name'::regclass}: the OID of a catalog table PostgreSQL has, or of a user table. */
  private static String regclass(String text) {
    Matcher m = REGCLASS.matcher(text);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String name = m.group(1).toLowerCase(Locale.ROOT);
      if (name.chars().allMatch(Character::isDigit)) {
        m.appendReplacement(b, name); // psql's '16385'::regclass: an OID already
        continue;
      }
      Integer oid = CATALOG_OIDS.get(name);
      m.appendReplacement(b, String.valueOf(oid != null ? oid : TableOids.of(name)));
    }
    return m.appendTail(b).toString();
  }

  private static final Map<String, Integer> CATALOG_OIDS =
      Map.of(
          "pg_class",
          1259,
          "pg_type",
          1247,
          "pg_attribute",
          1249,
          "pg_proc",
          1255,
          "pg_namespace",
          2615,
          "pg_constraint",
          2606,
          "pg_database",
          1262);

  /**
   * PostgreSQL's regular-expression operators outside string literals: {@code a ~ b} becomes {@code
   * a REGEXP b}, {@code !~} {@code NOT REGEXP}, the {@code *} forms match without case.
   */
  private static String regexOperators(String text) {
    if (text.indexOf('~') < 0) {
      return text;
    }
    StringBuilder b = new StringBuilder(text.length() + 16);
    int copied = 0;
    for (Token t : SqlTokens.of(text)) {
      if (t.kind() == SqlTokens.Kind.STRING || t.kind() == SqlTokens.Kind.QUOTED_IDENT) {
        b.append(regexOperatorsIn(text.substring(copied, t.start())));
        b.append(text, t.start(), t.end());
        copied = t.end();
      }
    }
    return b.append(regexOperatorsIn(text.substring(copied))).toString();
  }

  private static String regexOperatorsIn(String part) {
    Matcher m = REGEX_OP.matcher(part);
    StringBuilder p = new StringBuilder();
    while (m.find()) {
      String op =
          (m.group(1).isEmpty() ? " REGEXP " : " NOT REGEXP ")
              + (m.group(2).isEmpty() ? "" : "'(?i)' || ");
      m.appendReplacement(p, Matcher.quoteReplacement(op));
    }
    return m.appendTail(p).toString();
  }

  /** Whether a word after a relation is its alias, not the next clause. */
  private static boolean isAlias(Token t) {
    return isName(t)
        && !Set.of(
                "where",
                "join",
                "on",
                "left",
                "right",
                "inner",
                "cross",
                "full",
                "natural",
                "order",
                "group",
                "limit",
                "union",
                "having",
                "window",
                "except",
                "intersect")
            .contains(t.text().toLowerCase(Locale.ROOT));
  }

  private static boolean isName(Token t) {
    return t.kind() == SqlTokens.Kind.WORD || t.kind() == SqlTokens.Kind.QUOTED_IDENT;
  }

  /** Puts the used tables' CTEs in front, inside the statement's own WITH if it has one. */
  private static String withTables(String sql, Set<String> used) {
    for (String view : CatalogInformationSchema.READS.keySet()) {
      if (used.contains(view)) {
        used.addAll(CatalogInformationSchema.READS.get(view));
      }
    }
    if (used.stream().anyMatch(READ_INDEXES::contains)) {
      used.add("heliosdb_indexes");
    }
    StringJoiner ctes = new StringJoiner(", ");
    for (Map.Entry<String, String> e : TABLES.entrySet()) {
      if (used.contains(e.getKey())) {
        ctes.add(e.getValue());
      }
    }
    List<Token> tokens = SqlTokens.of(sql);
    if (!tokens.isEmpty() && tokens.get(0).isWord("WITH")) {
      int after = tokens.get(0).end();
      if (tokens.size() > 1 && tokens.get(1).isWord("RECURSIVE")) {
        after = tokens.get(1).end();
      }
      return sql.substring(0, after) + " " + ctes + ", " + sql.substring(after);
    }
    return "WITH " + ctes + " " + sql;
  }
}
