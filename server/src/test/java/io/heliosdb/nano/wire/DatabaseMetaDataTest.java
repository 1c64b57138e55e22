package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosDB;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * pgjdbc's DatabaseMetaData and ResultSetMetaData against the catalog emulation (pg_class,
 * pg_attribute, pg_attrdef, pg_namespace, pg_database), in both query modes.
 */
class DatabaseMetaDataTest {
  @org.junit.jupiter.api.io.TempDir Path dir;
  private WireServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        WireServer.start(HeliosDB.open(dir.resolve("shop.db")), WireServer.Options.loopback(0));
    try (Connection c = connect("");
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE customers(id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL,"
              + " email TEXT, active BOOLEAN DEFAULT 1)");
      s.execute("CREATE TABLE orders(id INTEGER PRIMARY KEY, customer_id INTEGER, total REAL)");
      s.execute("CREATE INDEX orders_customer ON orders(customer_id)");
      s.execute("CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100");
      s.execute("INSERT INTO customers(name, email) VALUES ('ann', 'ann@example.com')");
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Connection connect(String options) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + server.port() + "/shop?" + options, "ann", "");
  }

  private static List<String> column(ResultSet rs, String name) throws SQLException {
    List<String> out = new ArrayList<>();
    try (rs) {
      while (rs.next()) {
        out.add(rs.getString(name));
      }
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "preferQueryMode=simple"})
  void tablesViewsAndIndexes(String mode) throws Exception {
    try (Connection c = connect(mode)) {
      DatabaseMetaData md = c.getMetaData();
      assertThat(column(md.getTables(null, "public", "%", new String[] {"TABLE"}), "TABLE_NAME"))
          .containsExactly("customers", "orders");
      assertThat(column(md.getTables(null, null, "big%", null), "TABLE_TYPE"))
          .containsExactly("VIEW");
      assertThat(column(md.getTables(null, null, "%", null), "TABLE_NAME"))
          .containsExactly("orders_customer", "customers", "orders", "big_orders");
      assertThat(column(md.getTables(null, null, "%", null), "TABLE_SCHEM")).containsOnly("public");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "preferQueryMode=simple"})
  void columns(String mode) throws Exception {
    try (Connection c = connect(mode);
        ResultSet rs = c.getMetaData().getColumns(null, "public", "customers", "%")) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(
            rs.getString("COLUMN_NAME")
                + " "
                + rs.getString("TYPE_NAME")
                + " "
                + rs.getInt("DATA_TYPE")
                + " "
                + rs.getString("IS_NULLABLE")
                + " "
                + rs.getString("COLUMN_DEF")
                + " "
                + rs.getString("IS_AUTOINCREMENT")
                + " "
                + rs.getInt("ORDINAL_POSITION"));
      }
      assertThat(rows)
          .containsExactly(
              "id int8 " + Types.BIGINT + " NO null NO 1",
              "name varchar " + Types.VARCHAR + " NO null NO 2",
              "email text " + Types.VARCHAR + " YES null NO 3",
              "active bool " + Types.BIT + " YES 1 NO 4");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "preferQueryMode=simple"})
  void schemasAndCatalogs(String mode) throws Exception {
    try (Connection c = connect(mode)) {
      DatabaseMetaData md = c.getMetaData();
      assertThat(column(md.getSchemas(), "TABLE_SCHEM")).containsExactly("pg_catalog", "public");
      assertThat(column(md.getCatalogs(), "TABLE_CAT")).containsExactly("shop");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "preferQueryMode=simple"})
  void resultSetMetaDataNamesTheTableAndNullability(String mode) throws Exception {
    try (Connection c = connect(mode);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, name, email, 1 + 1 AS two FROM customers")) {
      ResultSetMetaData md = rs.getMetaData();
      assertThat(md.getTableName(1)).isEqualTo("customers");
      assertThat(md.getTableName(2)).isEqualTo("customers");
      assertThat(md.getTableName(4)).isEmpty();
      assertThat(md.unwrap(org.postgresql.PGResultSetMetaData.class).getBaseSchemaName(1))
          .isEqualTo("public");
      assertThat(md.isNullable(1)).isEqualTo(ResultSetMetaData.columnNoNulls);
      assertThat(md.isNullable(2)).isEqualTo(ResultSetMetaData.columnNoNulls);
      assertThat(md.isNullable(3)).isEqualTo(ResultSetMetaData.columnNullable);
      assertThat(md.isAutoIncrement(1)).isFalse();
      assertThat(md.isAutoIncrement(2)).isFalse();
      assertThat(md.getColumnName(2)).isEqualTo("name");
    }
  }
}
