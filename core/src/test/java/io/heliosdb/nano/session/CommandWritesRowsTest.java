package io.heliosdb.nano.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which statements tell the engine that SQLite opened a write transaction for them. */
class CommandWritesRowsTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "INSERT INTO t VALUES (1)                 | true",
        "  insert or replace into t values (1)    | true",
        "/* c */ UPDATE t SET a = 1               | true",
        "-- c\\nDELETE FROM t                      | true",
        "REPLACE INTO t VALUES (1)                | true",
        "SELECT pg_notify('c', 'p')               | false",
        "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x | false",
        "EXPLAIN INSERT INTO t VALUES (1)         | false",
        "SAVEPOINT sp                             | false",
        "NOTIFY c                                 | false",
        "BEGIN                                    | false",
      })
  void classified(String sql, boolean writes) throws Exception {
    assertThat(Command.parse(sql.replace("\\n", "\n")).writesRows()).isEqualTo(writes);
  }
}
