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
            () -> PgCatalog.rewrite("SELECT * FROM \"information_schema\".\"columns\""),
            HeliosSqlException.class);
    assertThat(e.getSQLState()).isEqualTo("42P01");
    assertThat(e.getMessage()).isEqualTo("relation \"information_schema.columns\" does not exist");
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
}
