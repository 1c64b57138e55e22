package io.heliosdb.nano.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandTagsTest {

  @ParameterizedTest(name = "{0} -> {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "INSERT INTO t VALUES (1)                       | 1 | false | INSERT 0 1",
        "insert or replace into t values (1), (2)       | 2 | false | INSERT 0 2",
        "REPLACE INTO t VALUES (1)                      | 1 | false | INSERT 0 1",
        "INSERT INTO t VALUES (1) RETURNING id          | 1 | true  | INSERT 0 1",
        "UPDATE t SET x = 1                             | 3 | false | UPDATE 3",
        "DELETE FROM t                                  | 0 | false | DELETE 0",
        "SELECT * FROM t                                | 5 | true  | SELECT 5",
        "VALUES (1), (2)                                | 2 | true  | SELECT 2",
        "WITH a(x) AS (SELECT 1) INSERT INTO t SELECT x FROM a | 1 | false | INSERT 0 1",
        "WITH a AS (DELETE FROM u) SELECT 1             | 1 | true  | SELECT 1",
        "PRAGMA table_info(t)                           | 2 | true  | SELECT 2",
        "PRAGMA user_version = 3                        | 0 | false | PRAGMA",
        "CREATE TABLE t(x)                              | 0 | false | CREATE TABLE",
        "create temp table t(x)                         | 0 | false | CREATE TABLE",
        "CREATE UNIQUE INDEX i ON t(x)                  | 0 | false | CREATE INDEX",
        "CREATE TRIGGER g AFTER INSERT ON t BEGIN SELECT 1; END | 0 | false | CREATE TRIGGER",
        "DROP VIEW v                                    | 0 | false | DROP VIEW",
        "ALTER TABLE t ADD COLUMN y                     | 0 | false | ALTER TABLE",
        "BEGIN IMMEDIATE                                | 0 | false | BEGIN",
        "END                                            | 0 | false | COMMIT",
        "COMMIT                                         | 0 | false | COMMIT",
        "ROLLBACK TO SAVEPOINT a                        | 0 | false | ROLLBACK",
        "SAVEPOINT a                                    | 0 | false | SAVEPOINT",
        "RELEASE a                                      | 0 | false | RELEASE",
        "LISTEN orders                                  | 0 | false | LISTEN",
        "NOTIFY orders, 'x'                             | 0 | false | NOTIFY",
        "DEALLOCATE _pg3_0                              | 0 | false | DEALLOCATE",
        "deallocate prepare all                         | 0 | false | DEALLOCATE ALL",
        "CLOSE c1                                       | 0 | false | CLOSE CURSOR",
        "CLOSE ALL                                      | 0 | false | CLOSE CURSOR ALL",
        "DISCARD ALL                                    | 0 | false | DISCARD ALL",
        "discard temporary                              | 0 | false | DISCARD TEMP",
        "DISCARD PLANS                                  | 0 | false | DISCARD PLANS",
        "DISCARD SEQUENCES                              | 0 | false | DISCARD SEQUENCES",
        "DISCARD nonsense                               | 0 | false | DISCARD",
        "RESET ALL                                      | 0 | false | RESET",
        "/* hi */ vacuum                                | 0 | false | VACUUM",
      })
  void tagsAreWhatPostgresPrints(String sql, long count, boolean rows, String tag) {
    assertThat(CommandTags.of(sql, count, rows)).isEqualTo(tag);
  }

  @Test
  void emptyStatementHasNoTag() {
    assertThat(CommandTags.of("  -- nothing\n", 0, false)).isNull();
  }
}
