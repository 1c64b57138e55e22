package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.ResultSet;
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
}
