package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.config.HeliosConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * getGeneratedKeys on the embedded driver: the rowid of the last INSERT when the statement asked
 * for keys (RETURN_GENERATED_KEYS, column indexes or names), an empty result otherwise, as
 * PostgreSQL's driver does. sqlite-jdbc's fetch after every INSERT is off.
 */
class GeneratedKeysTest {
  @TempDir Path dir;
  HeliosDB db;
  Connection c;

  @BeforeEach
  void open() throws SQLException {
    db = HeliosDB.open(HeliosConfig.builder().path(dir.resolve("keys.db")).build());
    db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)");
    c = db.connection();
  }

  @AfterEach
  void close() throws SQLException {
    c.close();
    db.close();
  }

  private static List<Long> keys(Statement s) throws SQLException {
    List<Long> out = new ArrayList<>();
    try (ResultSet rs = s.getGeneratedKeys()) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }

  @Test
  void preparedWithReturnGeneratedKeysGivesEachExecutionsRowid() throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO t(v) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, "a");
      ps.executeUpdate();
      assertThat(keys(ps)).containsExactly(1L);
      ps.setString(1, "b");
      ps.executeUpdate();
      assertThat(keys(ps)).containsExactly(2L);
    }
  }

  @Test
  void preparedWithColumnNamesOrIndexesGivesTheRowid() throws SQLException {
    try (PreparedStatement byName =
            c.prepareStatement("INSERT INTO t(v) VALUES ('a')", new String[] {"id"});
        PreparedStatement byIndex =
            c.prepareStatement("INSERT INTO t(v) VALUES ('b')", new int[] {1})) {
      byName.executeUpdate();
      assertThat(keys(byName)).containsExactly(1L);
      byIndex.executeUpdate();
      assertThat(keys(byIndex)).containsExactly(2L);
    }
  }

  @Test
  void statementExecuteWithReturnGeneratedKeysGivesTheRowid() throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO t(v) VALUES ('a')", Statement.RETURN_GENERATED_KEYS);
      assertThat(keys(s)).containsExactly(1L);
      s.execute("INSERT INTO t(v) VALUES ('b')", Statement.RETURN_GENERATED_KEYS);
      assertThat(keys(s)).containsExactly(2L);
    }
  }

  @Test
  void laterExecutionsOfAStatementThatAskedOnceDoNotReturnStaleKeys() throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO t(v) VALUES ('a')", Statement.RETURN_GENERATED_KEYS);
      s.executeUpdate("INSERT INTO t(v) VALUES ('b')");
      assertThat(keys(s)).containsExactly(2L);
    }
  }

  @Test
  void withoutAskingThereAreNoKeys() throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO t(v) VALUES ('a')");
        Statement s = c.createStatement()) {
      ps.executeUpdate();
      assertThat(keys(ps)).isEmpty();
      s.executeUpdate("INSERT INTO t(v) VALUES ('b')");
      assertThat(keys(s)).isEmpty();
    }
    assertThat(db.query("SELECT id FROM t")).hasSize(2);
  }
}
