package io.heliosdb.nano.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlSplitterTest {

  @Test
  void splitsAtSemicolonsOutsideQuotesAndComments() {
    assertThat(
            SqlSplitter.split(
                "SELECT 'a;b'; SELECT \"x;y\" -- c;\n FROM t; /* ; */ SELECT [z;];;  "))
        .containsExactly("SELECT 'a;b'", "SELECT \"x;y\" -- c;\n FROM t", "SELECT [z;]");
  }

  @Test
  void triggerBodyStaysOneStatement() {
    String trigger =
        "CREATE TEMP TRIGGER t AFTER INSERT ON x BEGIN SELECT pg_notify('a', NEW.v); "
            + "UPDATE y SET n = n + 1; END";
    assertThat(SqlSplitter.split(trigger + "; INSERT INTO x VALUES (1)"))
        .containsExactly(trigger, "INSERT INTO x VALUES (1)");
  }

  @Test
  void completenessFollowsSqlite3Complete() {
    assertThat(SqlSplitter.isComplete("SELECT 1;")).isTrue();
    assertThat(SqlSplitter.isComplete("SELECT 1; -- done")).isTrue();
    assertThat(SqlSplitter.isComplete("SELECT 1")).isFalse();
    assertThat(SqlSplitter.isComplete("SELECT 'a;")).isFalse();
    assertThat(SqlSplitter.isComplete("CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1;"))
        .isFalse();
    assertThat(SqlSplitter.isComplete("CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END;"))
        .isTrue();
  }

  @Test
  void emptyInputHasNoStatements() {
    assertThat(SqlSplitter.split("  ;; -- nothing\n")).isEmpty();
  }
}
