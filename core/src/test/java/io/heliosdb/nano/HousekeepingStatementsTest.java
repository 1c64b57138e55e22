package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DISCARD, DEALLOCATE, CLOSE and RESET on an embedded connection: accepted where a pool or driver
 * sends them, with the effect they can have here.
 */
class HousekeepingStatementsTest {
  @TempDir Path dir;
  private HeliosDB db;
  private HeliosConnection c;
  private HeliosConnection other;

  @BeforeEach
  void open() throws Exception {
    db = HeliosDB.open(dir.resolve("hk.db"));
    c = db.connection();
    other = db.connection();
  }

  @AfterEach
  void close() throws Exception {
    c.close();
    other.close();
    db.close();
  }

  @Test
  void discardAllUnlistensUnlocksDropsTemporaryTablesAndForgetsSettings() throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("LISTEN orders");
      s.execute("SELECT pg_advisory_lock(1)");
      s.execute("CREATE TEMP TABLE scratch(x)");
      s.execute("CREATE TEMP VIEW scratch_view AS SELECT * FROM scratch");
      s.execute("CREATE TABLE kept(x)");
      s.execute("SELECT set_config('app.tenant', 'acme', false)");

      assertThat(s.execute("DISCARD ALL")).isFalse();

      assertThat(c.listeningChannels()).isEmpty();
      assertThat(scalar("SELECT pg_try_advisory_lock(1)", other)).isEqualTo("1");
      SQLException gone =
          catchThrowableOfType(() -> s.executeQuery("SELECT * FROM scratch"), SQLException.class);
      assertThat(gone.getSQLState()).isEqualTo("42P01");
      assertThat(scalar("SELECT count(*) FROM temp.sqlite_schema WHERE name LIKE 'scratch%'", c))
          .isEqualTo("0");
      assertThat(scalar("SELECT count(*) FROM kept", c)).isEqualTo("0");
      assertThat(scalar("SELECT current_setting('app.tenant', true)", c)).isNull();
    }
  }

  @Test
  void notificationsStillWorkAfterDiscardAll() throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("DISCARD ALL");
      s.execute("LISTEN after");
      s.execute("BEGIN");
      s.execute("NOTIFY after, 'one'");
      s.execute("COMMIT");
    }
    Notification[] n = c.getNotifications(10_000);
    assertThat(n).hasSize(1);
    assertThat(n[0].payload()).isEqualTo("one");
  }

  @Test
  void discardAllIsRefusedInATransaction() throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("BEGIN");
      SQLException e = catchThrowableOfType(() -> s.execute("DISCARD ALL"), SQLException.class);
      assertThat(e.getSQLState()).isEqualTo("25001");
      assertThat(e.getMessage()).isEqualTo("DISCARD ALL cannot run inside a transaction block");
      s.execute("ROLLBACK");
    }
    c.setAutoCommit(false);
    SQLException e =
        catchThrowableOfType(() -> c.createStatement().execute("DISCARD ALL"), SQLException.class);
    assertThat(e.getSQLState()).isEqualTo("25001");
  }

  @Test
  void discardTempKeepsWhatTheEngineNeedsAndDropsTemporaryTriggers() throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t(x)");
      s.execute("CREATE TEMP TABLE log(x)");
      s.execute(
          "CREATE TEMP TRIGGER t_log AFTER INSERT ON main.t BEGIN INSERT INTO log VALUES (1); END");
      s.execute("DISCARD TEMP");
      s.execute("INSERT INTO t VALUES (1)"); // the trigger would fail on its missing table
      assertThat(
              scalar(
                  "SELECT count(*) FROM temp.sqlite_schema WHERE name NOT LIKE '\\_heliosdb%' ESCAPE '\\'",
                  c))
          .isEqualTo("0");
      assertThat(scalar("SELECT count(*) FROM temp.sqlite_schema", c)).isNotEqualTo("0");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "DEALLOCATE ALL",
        "DEALLOCATE PREPARE ALL",
        "CLOSE ALL",
        "DISCARD PLANS",
        "DISCARD SEQUENCES",
        "DISCARD TEMP",
        "RESET ALL",
        "RESET statement_timeout"
      })
  void acceptedWithNothingToDo(String sql) throws Exception {
    try (Statement s = c.createStatement()) {
      assertThat(s.execute(sql)).isFalse();
      assertThat(s.getUpdateCount()).isZero();
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      assertThat(ps.execute()).isFalse();
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "DEALLOCATE s1      | 26000 | prepared statement \"s1\" does not exist",
        "DEALLOCATE \"S1\"  | 26000 | prepared statement \"S1\" does not exist",
        "CLOSE c1           | 34000 | cursor \"c1\" does not exist",
        "DISCARD everything | 42601 | syntax error at or near \"everything\"",
      })
  void unknownNamesAndBadSyntaxFailAsInPostgres(String sql, String state, String message)
      throws Exception {
    try (Statement s = c.createStatement()) {
      SQLException e = catchThrowableOfType(() -> s.execute(sql), SQLException.class);
      assertThat(e.getSQLState()).isEqualTo(state);
      assertThat(e.getMessage()).isEqualTo(message);
      assertThat(scalar("SELECT 1", c)).isEqualTo("1");
    }
  }

  @Test
  void resetForgetsWhatSetConfigSet() throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("SELECT set_config('app.a', '1', false), set_config('app.b', '2', false)");
      s.execute("RESET app.a");
      assertThat(scalar("SELECT current_setting('app.a', true)", c)).isNull();
      assertThat(scalar("SELECT current_setting('app.b', true)", c)).isEqualTo("2");
      s.execute("RESET ALL");
      assertThat(scalar("SELECT current_setting('app.b', true)", c)).isNull();
      assertThat(scalar("SELECT current_setting('TimeZone')", c)).isEqualTo("UTC");
    }
  }

  @Test
  void housekeepingCannotBeBatched() throws Exception {
    try (Statement s = c.createStatement()) {
      SQLException e = catchThrowableOfType(() -> s.addBatch("DISCARD ALL"), SQLException.class);
      assertThat(e.getSQLState()).isEqualTo("0A000");
    }
  }

  private static String scalar(String sql, HeliosConnection conn) throws SQLException {
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
