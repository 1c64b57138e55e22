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
        "SELECT DISTINCT 1 = 1 FROM t#BOOL"
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
        "SELECT CASE WHEN x = 1 THEN 'a' END FROM t",
        "SELECT coalesce(x, 0) FROM t",
        "SELECT 0x1F",
        "SELECT $1"
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

  /** PostgreSQL labels an unaliased call by the function's name; SQLite by the call's text. */
  @Test
  void unaliasedCallsAreLabelledByTheFunctionsName() {
    assertThat(
            SelectList.of(
                "SELECT pg_try_advisory_xact_lock(77433833903597), count(*), pg_catalog.version(),"
                    + " \"Upper\"(x), count(*) AS n, max(x) m, count(*) + 1, count(*) OVER (), x"
                    + " FROM t"))
        .extracting(SelectList.Item::label)
        .containsExactly(
            "pg_try_advisory_xact_lock", "count", "version", "Upper", null, null, null, null, null);
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
}
