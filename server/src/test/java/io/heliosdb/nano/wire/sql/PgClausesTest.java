package io.heliosdb.nano.wire.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PostgreSQL clauses that SQLite words differently, as {@link PgSyntax#translate} rewrites them.
 */
class PgClausesTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '#',
      quoteCharacter = '"',
      value = {
        "START TRANSACTION#BEGIN",
        "START TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ WRITE#BEGIN",
        "BEGIN ISOLATION LEVEL READ COMMITTED#BEGIN",
        "BEGIN WORK#BEGIN",
        "BEGIN#BEGIN",
        "BEGIN IMMEDIATE#BEGIN IMMEDIATE",
        "SELECT a FROM t ORDER BY a OFFSET 3#SELECT a FROM t ORDER BY a LIMIT -1 OFFSET 3",
        "SELECT a FROM t LIMIT 2 OFFSET 1#SELECT a FROM t LIMIT 2 OFFSET 1",
        "SELECT a FROM (SELECT a FROM t LIMIT 5) s OFFSET 1"
            + "#SELECT a FROM (SELECT a FROM t LIMIT 5) s LIMIT -1 OFFSET 1",
        "SELECT t.offset FROM t#SELECT t.offset FROM t",
        "SELECT substring('abcdef' FROM 2 FOR 3)#SELECT substr('abcdef' , 2 , 3)",
        "SELECT substring(name from 2) FROM t#SELECT substr(name , 2) FROM t",
        "SELECT substring('abc', 1, 2)#SELECT substring('abc', 1, 2)",
        "SELECT 'OFFSET 3'#SELECT 'OFFSET 3'"
      })
  void rewrites(String postgres, String sqlite) throws Exception {
    assertThat(PgSyntax.translate(postgres)).isEqualTo(sqlite);
  }
}
