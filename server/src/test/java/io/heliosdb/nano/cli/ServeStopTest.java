package io.heliosdb.nano.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM, as a supervisor stops {@code heliosdb serve}: the server stops gracefully, says so on
 * its last line, and exits with the status of a JVM stopped by SIGTERM (128 + 15); what was
 * committed is in the file.
 */
class ServeStopTest {
  @TempDir Path dir;

  @Test
  void sigtermStopsTheServerWhichSaysSoOnItsLastLine() throws Exception {
    Path db = dir.resolve("stopped.db");
    try (ServeProcess child =
        ServeProcess.start(List.of(), "--db", db.toString(), "--port", "0", "--http-port", "0")) {
      try (Connection c = DriverManager.getConnection(child.jdbcUrl(), "me", "");
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE kept(x INTEGER); INSERT INTO kept VALUES (42)");
      }

      assertThat(child.stop()).as(child.output()).isEqualTo(143);
      assertThat(child.output()).endsWith("heliosdb: stopped\n");
    }
    try (Connection c = DriverManager.getConnection("jdbc:heliosdb:" + db);
        ResultSet rs = c.createStatement().executeQuery("SELECT x FROM kept")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(42);
    }
  }
}
