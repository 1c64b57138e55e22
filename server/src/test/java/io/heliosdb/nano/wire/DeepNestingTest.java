package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliosdb.nano.HeliosDB;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile input: a statement nested deeper than the server's own readers (types, names, the
 * dialect) can follow gets 54001 as from PostgreSQL ("stack depth limit exceeded"), never a hung
 * session, and the session goes on.
 */
class DeepNestingTest {
  private static final int DEPTH = 200_000;

  @org.junit.jupiter.api.io.TempDir Path dir;
  private WireServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        WireServer.start(HeliosDB.open(dir.resolve("deep.db")), WireServer.Options.loopback(0));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Connection connect(String mode) throws SQLException {
    // a socket timeout: a hung session fails the test instead of stopping the build
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:"
            + server.port()
            + "/deep?socketTimeout=60&preferQueryMode="
            + mode,
        "test",
        "");
  }

  @ParameterizedTest
  @ValueSource(strings = {"extended", "simple"})
  void deeplyNestedExpressionsAreRefusedAndTheSessionGoesOn(String mode) throws Exception {
    String nested = "(".repeat(DEPTH) + "?" + ")".repeat(DEPTH);
    try (Connection c = connect(mode)) {
      assertThatThrownBy(
              () -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT " + nested + " AS x")) {
                  ps.setInt(1, 1);
                  ps.executeQuery().close();
                }
              })
          .isInstanceOf(SQLException.class)
          .satisfies(
              e -> assertThat(((SQLException) e).getSQLState()).isIn("54001", "54000", "42601"));
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT 41 + 1")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(42);
      }
    }
  }

  @Test
  void deeplyNestedTextInTheSimpleProtocolIsRefused() throws Exception {
    try (Connection c = connect("simple");
        Statement st = c.createStatement()) {
      String sql = "SELECT " + "(".repeat(DEPTH) + "1" + ")".repeat(DEPTH) + "::int";
      assertThatThrownBy(() -> st.executeQuery(sql).close())
          .isInstanceOf(SQLException.class)
          .satisfies(
              e -> assertThat(((SQLException) e).getSQLState()).isIn("54001", "54000", "42601"));
      try (ResultSet rs = st.executeQuery("SELECT 1")) {
        assertThat(rs.next()).isTrue();
      }
    }
  }
}
