package io.heliosdb.nano.wire.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.wire.messages.HintedSqlException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** How statement text is prepared for SQLite: catalog references and bare keywords. */
class PgCatalogTest {

  @Test
  void statementsWithoutCatalogReferencesAreLeftAlone() throws Exception {
    String sql = "INSERT INTO notes VALUES ('see pg_catalog.pg_class', \"pg_type\")";
    assertThat(PgCatalog.rewrite(sql)).isEqualTo(new PgCatalog.Rewritten(sql, false));
    String notify = "SELECT pg_notify('pg_type', 'x') -- pg_catalog.pg_class";
    assertThat(PgCatalog.rewrite(notify)).isEqualTo(new PgCatalog.Rewritten(notify, false));
  }

  @Test
  void emulatedTablesBecomeCommonTableExpressionsInFront() throws Exception {
    PgCatalog.Rewritten r =
        PgCatalog.rewrite("SELECT typname FROM pg_catalog.pg_type WHERE oid = 23");
    assertThat(r.catalog()).isTrue();
    assertThat(r.sql())
        .startsWith("WITH " + PgCatalogTables.PG_TYPE + " ")
        .endsWith(" SELECT typname FROM pg_type WHERE oid = 23");
  }

  @Test
  void aStatementsOwnWithKeepsItsExpressionsAfterOurs() throws Exception {
    PgCatalog.Rewritten r =
        PgCatalog.rewrite("WITH RECURSIVE n AS (SELECT 1) SELECT nspname FROM pg_namespace, n");
    assertThat(r.sql())
        .isEqualTo(
            "WITH RECURSIVE "
                + PgCatalogTables.PG_NAMESPACE
                + ",  n AS (SELECT 1) SELECT nspname FROM pg_namespace, n");
  }

  @Test
  void functionsLoseTheirSchemaAndOtherRelationsAreUndefined() throws Exception {
    assertThat(PgCatalog.rewrite("SELECT pg_catalog.version()").sql())
        .isEqualTo("SELECT version()");
    HeliosSqlException e =
        catchThrowableOfType(
            () -> PgCatalog.rewrite("SELECT * FROM \"information_schema\".\"routines\""),
            HeliosSqlException.class);
    assertThat(e.getSQLState()).isEqualTo("42P01");
    assertThat(e.getMessage()).isEqualTo("relation \"information_schema.routines\" does not exist");
    assertThat(((HintedSqlException) e).hint()).isEqualTo(PgCatalog.HINT);
  }

  @Test
  void missingTablesNamedLikeCatalogOnesSayWhatIsEmulated() {
    SQLException plain = new SQLException("no such table: orders", "42P01");
    assertThat((Object) PgCatalog.explain(plain, false)).isSameAs(plain);
    SQLException e = PgCatalog.explain(new SQLException("no such table: pg_roles", "42P01"), false);
    assertThat(e.getMessage()).isEqualTo("relation \"pg_roles\" does not exist");
    assertThat(((HintedSqlException) e).hint()).startsWith("HeliosDB Nano emulates pg_catalog's");
  }

  @Test
  void bareKeywordsBecomeFunctionsOnlyWhereSqliteRefusedThem() {
    SQLException refused = new SQLException("no such column: current_user", "42703");
    assertThat(PgKeywords.retry("SELECT current_user, 'current_user', t.current_user", refused))
        .isEqualTo("SELECT current_user(), 'current_user', t.current_user");
    assertThat(PgKeywords.retry("SELECT x FROM t", new SQLException("no such column: x", "42703")))
        .isNull();
    assertThat(PgKeywords.label("current_user()")).isEqualTo("current_user");
    assertThat(PgKeywords.label("count(*)")).isEqualTo("count(*)");
  }

  /** The statement after the catalog's expressions put in front of it. */
  private static String body(String sql) throws Exception {
    String out = PgCatalog.rewrite("/*start*/ " + sql).sql();
    return out.substring(out.indexOf("/*start*/ ") + "/*start*/ ".length());
  }

  @Test
  void seriesSubscriptsAndExpandedArraysBecomeSqlite() throws Exception {
    assertThat(
            body(
                "SELECT pos.n FROM pg_catalog.pg_constraint con,"
                    + " pg_catalog.generate_series(1, 32) pos(n) WHERE con.conkey[pos.n] = 1"))
        .isEqualTo(
            "SELECT pos.n FROM pg_constraint con, (WITH RECURSIVE heliosdb_series(v) AS (SELECT"
                + " (1) UNION ALL SELECT v + 1 FROM heliosdb_series WHERE v < (32)) SELECT v AS n"
                + " FROM heliosdb_series) AS pos WHERE heliosdb_subscript(con.conkey, pos.n) = 1");
    assertThat(
            body(
                "SELECT r.k FROM (SELECT (information_schema._pg_expandarray(i.indkey)).n AS k,"
                    + " information_schema._pg_expandarray(i.indkey) AS keys FROM pg_index i"
                    + " WHERE true) r WHERE (r.keys).x = 1"))
        .isEqualTo(
            "SELECT r.k FROM (SELECT (heliosdb_ea.key + 1) AS k, heliosdb_ea.value AS keys FROM"
                + " pg_index i , json_each(heliosdb_array_json(i.indkey)) AS heliosdb_ea WHERE"
                + " true) r WHERE r.keys = 1");
  }

  @Test
  void psqlFormsBecomeSqlite() throws Exception {
    assertThat(
            body(
                "SELECT c.oid::pg_catalog.regclass, trim(both '\"' from c.relname) FROM"
                    + " pg_catalog.pg_class c WHERE c.oid = '16385' AND c.relname ~ '^(t)$'"
                    + " COLLATE pg_catalog.default AND c.relhasindex = 't'"))
        .isEqualTo(
            "SELECT (SELECT heliosdb_rc.relname FROM (SELECT (c.oid) AS k) AS heliosdb_key JOIN"
                + " pg_class heliosdb_rc ON heliosdb_rc.oid = heliosdb_key.k), trim(c.relname,"
                + " '\"') FROM pg_class c WHERE c.oid = 16385 AND c.relname  REGEXP  '^(t)$' "
                + " AND c.relhasindex = 1");
    assertThat(body("SELECT r.rolname, r.rolsuper, x.oid = ANY (r.a) FROM pg_roles r, x"))
        .isEqualTo(
            "SELECT r.rolname, (r.rolsuper <> 0) AS rolsuper, x.oid IN (SELECT value FROM"
                + " json_each(heliosdb_array_json(r.a))) FROM pg_roles r, x");
    assertThat(body("SELECT array_to_string(ARRAY(SELECT rolname FROM pg_roles), E'\\n')"))
        .isEqualTo(
            "SELECT array_to_string((WITH heliosdb_arr(v) AS (SELECT rolname FROM pg_roles)"
                + " SELECT '{' || coalesce(group_concat(v, ','), '') || '}' FROM heliosdb_arr),"
                + " '\n')");
  }

  @Test
  void informationSchemaViewsKeepTheirNames() throws Exception {
    PgCatalog.Rewritten r =
        PgCatalog.rewrite(
            "SELECT tables.table_name FROM information_schema.tables WHERE table_schema ="
                + " 'public'");
    assertThat(r.catalog()).isTrue();
    assertThat(r.sql())
        .contains("information_schema_tables(table_catalog,")
        .contains("pg_class(oid,")
        .endsWith(
            " SELECT tables.table_name FROM information_schema_tables AS tables WHERE"
                + " table_schema = 'public'");
  }
}
