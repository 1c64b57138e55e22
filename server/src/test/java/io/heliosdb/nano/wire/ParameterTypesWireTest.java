package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.heliosdb.nano.HeliosDB;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 2: ParameterDescription carries the types the statement shows (pgjdbc's raw
 * ParameterMetaData), values bind with their type's storage class, and a value that does not read
 * as its type is 22P02 with the session usable after.
 */
class ParameterTypesWireTest {
  @TempDir Path dir;
  private WireServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        WireServer.start(HeliosDB.open(dir.resolve("params.db")), WireServer.Options.loopback(0));
    try (Connection c = connect("");
        Statement st = c.createStatement()) {
      st.execute(
          "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, price REAL, flag BOOLEAN,"
              + " data BLOB, n);"
              + " INSERT INTO items VALUES (1, 'a', 1.5, 1, x'01', 5), (2, 'b', 2.5, 0, x'02', 'x'),"
              + " (10, 'c', 10.0, 1, x'0a', 7)");
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Connection connect(String options) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + server.port() + "/params?" + options, "test", "");
  }

  private static String[] types(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ParameterMetaData md = ps.getParameterMetaData();
      String[] names = new String[md.getParameterCount()];
      for (int i = 0; i < names.length; i++) {
        names[i] = md.getParameterTypeName(i + 1);
      }
      return names;
    }
  }

  /**
   * The types are read at Parse on a connection of the server's: read on the session's, inside an
   * open transaction, they took its snapshot before its first write, and another session's commit
   * in between made that write fail with "database is locked" (found by ServeCrashTest).
   */
  @Test
  void inferringTypesInsideATransactionTakesNoSnapshotOfIt() throws SQLException {
    try (Connection a = connect("");
        Connection b = connect("")) {
      a.setAutoCommit(false);
      a.createStatement().execute("SELECT 1"); // BEGIN sent; nothing of the file read yet
      try (PreparedStatement insert =
          a.prepareStatement("INSERT INTO items(id, name) VALUES (?, ?)")) {
        assertThat(insert.getParameterMetaData().getParameterTypeName(1)).isEqualTo("int8");
        b.createStatement().execute("INSERT INTO items(id, name) VALUES (100, 'other')");
        insert.setLong(1, 101);
        insert.setString(2, "mine");
        assertThat(insert.executeUpdate()).isEqualTo(1);
      }
      a.commit();
    }
  }

  @Test
  void parameterMetaDataInTheDefaultMode() throws SQLException {
    try (Connection c = connect("")) {
      assertThat(types(c, "SELECT * FROM items WHERE id = ? AND price > ? AND name = ?"))
          .containsExactly("int8", "float8", "text");
      assertThat(types(c, "INSERT INTO items(id, flag, data) VALUES (?, ?, ?)"))
          .containsExactly("int8", "bool", "bytea");
      assertThat(types(c, "UPDATE items SET price = ? WHERE id IN (?, ?)"))
          .containsExactly("float8", "int8", "int8");
      assertThat(types(c, "SELECT * FROM items i WHERE i.n = ? LIMIT ? OFFSET ?"))
          .containsExactly("text", "int8", "int8");
      assertThat(types(c, "SELECT CAST(? AS INTEGER), pg_notify(?, ?)"))
          .containsExactly("int4", "text", "text");
      try (PreparedStatement ps = c.prepareStatement("SELECT name FROM items WHERE id = ?")) {
        assertThat(ps.getParameterMetaData().getParameterType(1)).isEqualTo(Types.BIGINT);
      }
    }
  }

  @Test
  void valuesBindWithTheirTypesStorageClass() throws SQLException {
    // stringtype=unspecified: setString sends no type, so the inferred one applies
    try (Connection c = connect("stringtype=unspecified");
        PreparedStatement ps =
            c.prepareStatement("SELECT count(*) FROM items WHERE id < ? AND flag = ?")) {
      ps.setString(1, "9");
      ps.setString(2, "yes");
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(1); // 9 as an integer: 1 and 2 below it, 1 flagged
      }
      try (PreparedStatement typed = c.prepareStatement("SELECT typeof(CAST(? AS INTEGER))")) {
        typed.setString(1, " 12 ");
        try (ResultSet rs = typed.executeQuery()) {
          rs.next();
          assertThat(rs.getString(1)).isEqualTo("integer");
        }
      }
    }
  }

  @Test
  void aValueThatDoesNotReadAsItsTypeIs22P02AndTheSessionGoesOn() throws SQLException {
    try (Connection c = connect("stringtype=unspecified")) {
      try (PreparedStatement ps = c.prepareStatement("SELECT name FROM items WHERE id = ?")) {
        ps.setString(1, "abc");
        SQLException e = catchThrowableOfType(SQLException.class, ps::executeQuery);
        assertThat(e.getSQLState()).isEqualTo("22P02");
        assertThat(e.getMessage()).contains("invalid input syntax for type bigint: \"abc\"");
        ps.setString(1, "2");
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("b");
        }
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE items SET flag = ? WHERE id = 1")) {
        ps.setString(1, "maybe");
        SQLException e = catchThrowableOfType(SQLException.class, ps::executeUpdate);
        assertThat(e.getSQLState()).isEqualTo("22P02");
        assertThat(e.getMessage()).contains("invalid input syntax for type boolean: \"maybe\"");
      }
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM items")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(3);
      }
    }
  }
}
