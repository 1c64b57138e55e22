package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session information functions PostgreSQL drivers and tools call on connect. */
class CompatFunctionsTest {
  @TempDir Path dir;

  @Test
  void versionPidDatabaseAndSchemaAnswerAsPostgresDoes() throws Exception {
    try (HeliosDB db = HeliosDB.open(dir.resolve("shop.db"));
        HeliosConnection c = db.connection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version(), pg_backend_pid(), current_database(), current_schema()")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1))
          .startsWith("PostgreSQL 15.0 (HeliosDB Nano")
          .contains("SQLite 3.");
      assertThat(rs.getInt(2)).isEqualTo(c.getBackendPID());
      assertThat(rs.getString(3)).isEqualTo("shop");
      assertThat(rs.getString(4)).isEqualTo("public");
    }
  }

  @Test
  void currentUserIsTheJvmUserAndCurrentSettingReadsTheFixedParameters() throws Exception {
    try (HeliosDB db = HeliosDB.open(dir.resolve("shop.db"));
        HeliosConnection c = db.connection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT current_user(), session_user(), user(), current_setting('server_version_num'),"
                    + " current_setting('TIMEZONE'), current_setting('no_such', true)")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo(System.getProperty("user.name"));
      assertThat(rs.getString(2)).isEqualTo(System.getProperty("user.name"));
      assertThat(rs.getString(3)).isEqualTo(System.getProperty("user.name"));
      assertThat(rs.getString(4)).isEqualTo("150000");
      assertThat(rs.getString(5)).isEqualTo("UTC");
      assertThat(rs.getString(6)).isNull();
    }
  }

  @Test
  void unknownSettingIsUndefinedObject() throws Exception {
    try (HeliosDB db = HeliosDB.open(dir.resolve("shop.db"));
        HeliosConnection c = db.connection();
        Statement s = c.createStatement()) {
      SQLException e =
          catchThrowableOfType(
              () -> s.executeQuery("SELECT current_setting('no_such')"), SQLException.class);
      assertThat(e.getSQLState()).isEqualTo("42704");
      assertThat(e.getMessage()).contains("unrecognized configuration parameter \"no_such\"");
    }
  }

  @Test
  void sessionParametersOfAFrontEndReplaceTheEmbeddedOnes() throws Exception {
    try (HeliosDB db = HeliosDB.open(dir.resolve("shop.db"));
        HeliosConnection c = db.connection();
        Statement s = c.createStatement()) {
      c.setSessionParameters(
          "ann",
          name -> name.equals("application_name") ? "shop-app" : null,
          (name, value) -> {
            throw new IllegalArgumentException("refused: " + name);
          });
      try (ResultSet rs =
          s.executeQuery(
              "SELECT current_user(), current_setting('application_name'),"
                  + " current_setting('server_version', true)")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("ann");
        assertThat(rs.getString(2)).isEqualTo("shop-app");
        assertThat(rs.getString(3)).isNull();
      }
    }
  }

  @Test
  void setConfigIsReadBackByCurrentSetting() throws Exception {
    try (HeliosDB db = HeliosDB.open(dir.resolve("shop.db"));
        HeliosConnection c = db.connection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT set_config('app.tenant', '42', false), current_setting('app.tenant')")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("42");
      assertThat(rs.getString(2)).isEqualTo("42");
    }
  }
}
