package io.heliosdb.nano.wire.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The types of SELECT-list expressions as their text shows them. */
class SelectListTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '#',
      quoteCharacter = '"',
      value = {
        "SELECT 41 + 1#INT4",
        "SELECT -7 AS n#INT4",
        "SELECT (2 * 3) % 4 x#INT4",
        "SELECT 3000000000#INT8",
        "SELECT 1.5#NUMERIC",
        "SELECT .5#NUMERIC",
        "SELECT 1e3#NUMERIC",
        "SELECT 'a'#TEXT",
        "SELECT 'a' || name FROM t#TEXT",
        "SELECT NULL#TEXT",
        "SELECT TRUE#BOOL",
        "SELECT 1 = 1#BOOL",
        "SELECT a != b FROM t#BOOL",
        "SELECT a >= 2 AS big FROM t#BOOL",
        "SELECT x IS NULL FROM t#BOOL",
        "SELECT x IS NOT NULL ok FROM t#BOOL",
        "SELECT NOT x FROM t#BOOL",
        "SELECT 2 IN (1, 2)#BOOL",
        "SELECT EXISTS (SELECT 1 FROM t)#BOOL",
        "SELECT name LIKE 'a%' FROM t#BOOL",
        "SELECT count(*) FROM t#INT8",
        "SELECT COUNT(DISTINCT x) AS n FROM t#INT8",
        "SELECT avg(x) FROM t#NUMERIC",
        "SELECT total(x) FROM t#FLOAT8",
        "SELECT length(name) FROM t#INT4",
        "SELECT upper(name) u FROM t#TEXT",
        "SELECT pg_try_advisory_xact_lock(77433833903597)#BOOL",
        "SELECT pg_advisory_unlock(1, 2) AS released#BOOL",
        "SELECT json_object('a', 1)#JSON",
        "SELECT CAST(x AS INTEGER) FROM t#INT4",
        "SELECT CAST(x AS BIGINT) FROM t#INT8",
        "SELECT CAST(x AS REAL) FROM t#FLOAT8",
        "SELECT CAST(x AS NUMERIC(10, 2)) FROM t#NUMERIC",
        "SELECT CAST(x AS TEXT) FROM t#TEXT",
        "SELECT CAST(x AS VARCHAR(3)) FROM t#VARCHAR",
        "SELECT (1 = 1)#BOOL",
        "WITH c AS (SELECT 1 AS a) SELECT count(*) FROM c#INT8",
        "SELECT DISTINCT 1 = 1 FROM t#BOOL",
        "SELECT CASE WHEN x = 1 THEN 'a' END FROM t#TEXT",
        "SELECT CASE WHEN x THEN NULL ELSE 2 END FROM t#INT4",
        "SELECT '42'::int#INT4",
        "SELECT -2.5::int#INT4",
        "SELECT x::pg_catalog.int8 FROM t#INT8",
        "SELECT '1.5'::double precision#FLOAT8",
        "SELECT 1.2345::numeric(10,2)#NUMERIC",
        "SELECT 'abc'::varchar AS v#VARCHAR",
        "SELECT '2024-01-15'::date#DATE",
        "SELECT 't'::boolean#BOOL",
        "SELECT '\\x01'::bytea#BYTEA",
        "SELECT x::text::int FROM t#INT4",
        "SELECT COALESCE(NULL, 3)#INT4",
        "SELECT (SELECT count(*) FROM t) AS n#INT8",
        "SELECT pg_try_advisory_lock(1)#BOOL",
        "SELECT 3::float8 / 2#FLOAT8",
        "SELECT '7'::int8 * -2#INT8",
        "SELECT length('ab') + 1.5#NUMERIC",
        "SELECT count(*) * 2 FROM t#INT8"
      })
  void typedExpressions(String sql, PgType expected) {
    assertThat(SelectList.of(sql)).hasSize(1);
    assertThat(SelectList.of(sql).get(0).type()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '#',
      quoteCharacter = '"',
      value = {
        "SELECT max(x) FROM t",
        "SELECT sum(x) FROM t",
        "SELECT x * 2 FROM t",
        "SELECT coalesce(x, 0) FROM t",
        "SELECT 0x1F",
        "SELECT $1",
        "SELECT '1'::timestamptz",
        "SELECT x + 1 FROM t",
        "SELECT '2024-01-01'::date - 1"
      })
  void untypedExpressions(String sql) {
    assertThat(SelectList.of(sql)).hasSize(1);
    assertThat(SelectList.of(sql).get(0).type()).isNull();
  }

  @Test
  void columnReferencesNameTheirColumn() {
    assertThat(SelectList.of("SELECT id, t.name AS n, \"Q\" q, main.t.x FROM t WHERE a = 1, b"))
        .extracting(SelectList.Item::column)
        .containsExactly("id", "name", "Q", "x");
  }

  /** PostgreSQL names an unaliased call by the function's name; SQLite by the call's text. */
  @Test
  void unaliasedCallsAreNamedByTheFunctionsName() {
    assertThat(
            SelectList.of(
                "SELECT pg_try_advisory_xact_lock(77433833903597), count(*), pg_catalog.version(),"
                    + " \"Upper\"(x), count(*) AS n, max(x) m, count(*) + 1, count(*) OVER (), x"
                    + " FROM t"))
        .extracting(SelectList.Item::name)
        .containsExactly(
            "pg_try_advisory_xact_lock",
            "count",
            "version",
            "Upper",
            "n",
            "m",
            "?column?",
            "count",
            "x");
  }

  @Test
  void starsAndOtherStatementsAreNotRead() {
    assertThat(SelectList.of("SELECT * FROM t")).isEmpty();
    assertThat(SelectList.of("SELECT t.*, 1 FROM t")).isEmpty();
    assertThat(SelectList.of("INSERT INTO t VALUES (1)")).isEmpty();
    assertThat(SelectList.of("VALUES (1)")).isEmpty();
    assertThat(SelectList.of("SELECT 1, 'a' UNION SELECT 2, 'b'"))
        .extracting(SelectList.Item::type)
        .isEqualTo(List.of(PgType.INT4, PgType.TEXT));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '#',
      quoteCharacter = '"',
      value = {
        "SELECT 41 + 1#?column?",
        "SELECT -3#?column?",
        "SELECT 'a'#?column?",
        "SELECT TRUE#?column?",
        "SELECT 1 = 1#?column?",
        "SELECT 7 AS Seven#seven",
        "SELECT 7 AS \"Seven\"#Seven",
        "SELECT Name FROM t#name",
        "SELECT t.id FROM t#id",
        "SELECT count(*) FROM t#count",
        "SELECT upper(name) FROM t#upper",
        "SELECT trim(name) FROM t#btrim",
        "SELECT '42'::int#int4",
        "SELECT 3::double precision#float8",
        "SELECT price::int FROM t#price",
        "SELECT CAST(price AS INTEGER) FROM t#price",
        "SELECT CAST('5' AS INTEGER)#int4",
        "SELECT -2.5::int#?column?",
        "SELECT CASE WHEN x THEN 1 END FROM t#case",
        "SELECT COALESCE(x, 1) FROM t#coalesce",
        "SELECT EXISTS (SELECT 1 FROM t)#exists",
        "SELECT (SELECT max(id) FROM t)#max",
        "SELECT (1)#?column?",
        "SELECT CURRENT_DATE#current_date",
        "SELECT x IS NULL FROM t#?column?",
        "SELECT NOT (1 = 2)#?column?"
      })
  void unnamedColumnsAreNamedAsPostgresNamesThem(String sql, String expected) {
    assertThat(SelectList.of(sql)).extracting(SelectList.Item::name).containsExactly(expected);
  }

  @Test
  void aggregatesAndCoalesceOverAColumnFollowItsDeclaredType() {
    SelectList.Item sum = SelectList.of("SELECT sum(DISTINCT o.total) FROM orders o").get(0);
    assertThat(sum.over()).isEqualTo(new SelectList.Over("sum", "o", "total"));
    assertThat(SelectList.typeOver(sum.over(), "NUMERIC(10,2)")).isEqualTo(PgType.NUMERIC);
    assertThat(SelectList.typeOver(sum.over(), "INTEGER")).isEqualTo(PgType.INT8);
    assertThat(SelectList.typeOver(sum.over(), "BIGINT")).isEqualTo(PgType.NUMERIC);
    assertThat(SelectList.typeOver(sum.over(), "DOUBLE PRECISION")).isEqualTo(PgType.FLOAT8);
    assertThat(SelectList.typeOver(sum.over(), "TEXT")).isNull();
    SelectList.Item max = SelectList.of("SELECT max(released) FROM products").get(0);
    assertThat(SelectList.typeOver(max.over(), "DATE")).isEqualTo(PgType.DATE);
    SelectList.Item avg = SelectList.of("SELECT avg(weight) FROM products").get(0);
    assertThat(SelectList.typeOver(avg.over(), "DOUBLE PRECISION")).isEqualTo(PgType.FLOAT8);
    SelectList.Item coalesce = SelectList.of("SELECT coalesce(phone, 'n/a') FROM c").get(0);
    assertThat(SelectList.typeOver(coalesce.over(), "VARCHAR(20)")).isEqualTo(PgType.VARCHAR);
    assertThat(SelectList.of("SELECT sum(a * 2) FROM t").get(0).over()).isNull();
  }
}
