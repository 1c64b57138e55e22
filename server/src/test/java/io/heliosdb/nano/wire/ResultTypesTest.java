package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.wire.messages.Frames;
import io.heliosdb.nano.wire.types.TableOids;
import io.netty.buffer.ByteBuf;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Result column types as pgjdbc sees them (type names, getObject classes and values) in both
 * protocols, and RowDescription's type OIDs, table OIDs and column numbers on the wire.
 */
class ResultTypesTest {
  private static final String SCHEMA =
      "CREATE TABLE items(id INTEGER PRIMARY KEY, flag BOOLEAN, born DATE, price NUMERIC(10,2),"
          + " name VARCHAR(20), code CHAR(3), doc JSON, data BLOB, x);"
          + " INSERT INTO items VALUES (1, 1, '2024-01-02', 1.5, 'a', 'abc', '{\"k\":1}', x'0102', 7),"
          + " (2, 0, '2024-02-03', 2, 'b', 'def', '[]', x'', 'seven')";

  @TempDir Path dir;
  private WireServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        WireServer.start(HeliosDB.open(dir.resolve("types.db")), WireServer.Options.loopback(0));
    try (Connection c = connect("");
        Statement st = c.createStatement()) {
      st.execute(SCHEMA);
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Connection connect(String options) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + server.port() + "/types?" + options, "test", "");
  }

  private record Case(String sql, String typeName, Class<?> type, Object value) {}

  private static final List<Case> CASES =
      List.of(
          new Case("SELECT 41 + 1", "int4", Integer.class, 42),
          new Case("SELECT 7", "int4", Integer.class, 7),
          new Case("SELECT 3000000000", "int8", Long.class, 3000000000L),
          new Case("SELECT count(*) FROM items", "int8", Long.class, 2L),
          new Case("SELECT count(*) AS n FROM items", "int8", Long.class, 2L),
          new Case("SELECT 1 = 1", "bool", Boolean.class, true),
          new Case("SELECT 1 <> 1 AS b", "bool", Boolean.class, false),
          new Case("SELECT id IS NULL FROM items WHERE id = 1", "bool", Boolean.class, false),
          new Case("SELECT 2 IN (1, 2)", "bool", Boolean.class, true),
          new Case("SELECT EXISTS (SELECT 1 FROM items)", "bool", Boolean.class, true),
          new Case("SELECT name LIKE 'a%' FROM items WHERE id = 1", "bool", Boolean.class, true),
          new Case("SELECT length('abc')", "int4", Integer.class, 3),
          new Case("SELECT 1.5", "numeric", BigDecimal.class, new BigDecimal("1.5")),
          new Case("SELECT avg(id) FROM items", "numeric", BigDecimal.class, new BigDecimal("1.5")),
          new Case("SELECT 'a'", "text", String.class, "a"),
          new Case("SELECT 'a' || 'b'", "text", String.class, "ab"),
          new Case("SELECT upper(name) FROM items WHERE id = 1", "text", String.class, "A"),
          new Case("SELECT CAST(id AS TEXT) FROM items WHERE id = 1", "text", String.class, "1"),
          new Case("SELECT CAST('5' AS INTEGER)", "int4", Integer.class, 5),
          new Case("SELECT id FROM items WHERE id = 1", "int8", Long.class, 1L),
          new Case("SELECT id AS k FROM items WHERE id = 1", "int8", Long.class, 1L),
          new Case("SELECT i.id FROM items i WHERE id = 1", "int8", Long.class, 1L),
          new Case("SELECT flag FROM items WHERE id = 1", "bool", Boolean.class, true),
          new Case("SELECT flag FROM items WHERE id = 2", "bool", Boolean.class, false),
          new Case(
              "SELECT born FROM items WHERE id = 1",
              "date",
              java.sql.Date.class,
              java.sql.Date.valueOf("2024-01-02")),
          new Case( // NUMERIC(10,2): two digits after the point, as in PostgreSQL
              "SELECT price FROM items WHERE id = 1",
              "numeric",
              BigDecimal.class,
              new BigDecimal("1.50")), // NUMERIC(10,2): with its scale, as PostgreSQL sends it
          new Case("SELECT name FROM items WHERE id = 1", "varchar", String.class, "a"),
          new Case("SELECT code FROM items WHERE id = 1", "bpchar", String.class, "abc"),
          new Case("SELECT * FROM items WHERE id = 2", "int8", Long.class, 2L));

  @ParameterizedTest
  @ValueSource(strings = {"", "preferQueryMode=simple"})
  void pgjdbcSeesPostgresTypesAndValues(String mode) throws SQLException {
    List<String> wrong = new ArrayList<>();
    try (Connection c = connect(mode);
        Statement st = c.createStatement()) {
      for (Case k : CASES) {
        try (ResultSet rs = st.executeQuery(k.sql())) {
          ResultSetMetaData md = rs.getMetaData();
          assertThat(rs.next()).as(k.sql()).isTrue();
          Object v = rs.getObject(1);
          String got = md.getColumnTypeName(1) + " " + (v == null ? null : v.getClass()) + " " + v;
          String want = k.typeName() + " " + k.type() + " " + k.value();
          if (!got.equals(want)) {
            wrong.add(k.sql() + ": got " + got + ", want " + want);
          }
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "preferQueryMode=simple"})
  void jsonAndByteaColumns(String mode) throws SQLException {
    try (Connection c = connect(mode);
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT doc, data, json_object('a', 1) FROM items WHERE id = 1")) {
      ResultSetMetaData md = rs.getMetaData();
      assertThat(md.getColumnTypeName(1)).isEqualTo("json");
      assertThat(md.getColumnTypeName(2)).isEqualTo("bytea");
      assertThat(md.getColumnTypeName(3)).isEqualTo("json");
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("{\"k\":1}");
      assertThat(rs.getBytes(2)).containsExactly(1, 2);
      assertThat(rs.getString(3)).isEqualTo("{\"a\":1}");
    }
  }

  /**
   * An expression the text does not type: the first value's storage class in the simple protocol
   * (Describe comes before any row in the extended one, where it is text).
   */
  @Test
  void untypedExpressionsFollowTheFirstValueOnlyInTheSimpleProtocol() throws SQLException {
    try (Connection c = connect("preferQueryMode=simple");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT max(id), id * 2.5 FROM items")) {
      assertThat(rs.getMetaData().getColumnTypeName(1)).isEqualTo("int8");
      assertThat(rs.getMetaData().getColumnTypeName(2)).isEqualTo("float8");
    }
    try (Connection c = connect("");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id * 1 FROM items ORDER BY id DESC")) {
      assertThat(rs.getMetaData().getColumnTypeName(1)).isEqualTo("text");
      rs.next();
      assertThat(rs.getObject(1)).isEqualTo("2");
    }
  }

  @Test
  void binaryResultsOfTheNewTypes() throws SQLException {
    // pgjdbc asks for binary int4, bool, date after prepareThreshold runs of a statement
    try (Connection c = connect("prepareThreshold=-1");
        var ps = c.prepareStatement("SELECT 41 + 1, flag, born, id FROM items WHERE id = ?")) {
      ps.setInt(1, 1);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getObject(1)).isEqualTo(42);
        assertThat(rs.getObject(2)).isEqualTo(true);
        assertThat(rs.getObject(3)).isEqualTo(java.sql.Date.valueOf("2024-01-02"));
        assertThat(rs.getObject(4)).isEqualTo(1L);
      }
    }
  }

  /** Each column of RowDescription: {table oid, attnum, type oid}. */
  private static List<int[]> rowDescription(List<Frames.Backend> messages) {
    List<int[]> columns = new ArrayList<>();
    for (Frames.Backend m : messages) {
      if (m.type() == 'T') {
        ByteBuf b = m.buf();
        int n = b.readShort();
        for (int i = 0; i < n; i++) {
          while (b.readByte() != 0) {
            // the name
          }
          int table = b.readInt();
          int attnum = b.readShort();
          int type = b.readInt();
          b.skipBytes(2 + 4 + 2);
          columns.add(new int[] {table, attnum, type});
        }
      }
    }
    return columns;
  }

  @Test
  void rowDescriptionCarriesTypeTableAndColumnNumber() throws Exception {
    int items = TableOids.of("items");
    ResultColumns.reportOrigins = true;
    try (RawClient raw = RawClient.session(server.port())) {
      List<int[]> simple =
          rowDescription(raw.query("SELECT name, id, 1 = 1, count(*) OVER () FROM items"));
      assertThat(simple)
          .containsExactly(
              new int[] {items, 5, 1043},
              new int[] {items, 1, 20},
              new int[] {0, 0, 16},
              new int[] {0, 0, 20});
      raw.send(Frames.parse("", "SELECT x, price, 41 + 1 FROM items WHERE id = $1"));
      raw.send(Frames.describe('S', ""));
      raw.send(Frames.sync());
      assertThat(rowDescription(raw.untilReady()))
          .containsExactly(
              new int[] {items, 9, 25}, new int[] {items, 4, 1700}, new int[] {0, 0, 23});
    } finally {
      ResultColumns.reportOrigins = false;
    }
    try (RawClient raw = RawClient.session(server.port())) {
      assertThat(rowDescription(raw.query("SELECT name FROM items")))
          .containsExactly(new int[] {0, 0, 1043});
    }
    assertThat(items).isGreaterThanOrEqualTo(16384).isEqualTo(TableOids.of("ITEMS"));
  }
}
