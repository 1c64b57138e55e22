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
          "CREATE TABLE customers(id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL UNIQUE,"
              + " email TEXT, active BOOLEAN DEFAULT 1)");
      s.execute(
          "CREATE TABLE orders(id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES"
              + " customers(id) ON DELETE CASCADE, total REAL)");
      s.execute(
          "CREATE TABLE lines(order_id INTEGER, line INTEGER, sku TEXT, PRIMARY KEY(order_id,"
              + " line), FOREIGN KEY (order_id) REFERENCES orders(id) ON UPDATE SET NULL)");
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
          .containsExactly("customers", "lines", "orders");
      assertThat(column(md.getTables(null, null, "big%", null), "TABLE_TYPE"))
          .containsExactly("VIEW");
      assertThat(column(md.getTables(null, null, "%", null), "TABLE_NAME"))
          .containsExactly(
              "customers_name_key",
              "customers_pkey",
              "lines_pkey",
              "orders_customer",
              "orders_pkey",
              "customers",
              "lines",
              "orders",
              "big_orders");
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

  private static List<String> rows(ResultSet rs, String... names) throws SQLException {
    List<String> out = new ArrayList<>();
    try (rs) {
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (String name : names) {
          // NON_UNIQUE is 0/1 here (a column of a subquery is typed by its value), f/t on
          // PostgreSQL: compared as pgjdbc's getBoolean reads both.
          Object value = name.equals("NON_UNIQUE") ? rs.getBoolean(name) : rs.getString(name);
          b.append(b.length() == 0 ? "" : " ").append(value);
        }
        out.add(b.toString());
      }
    }
    return out;
  }

  /** As PostgreSQL 15 answers for the same tables (the INTEGER PRIMARY KEY is customers_pkey). */
  @ParameterizedTest
  @ValueSource(strings = {"", "preferQueryMode=simple"})
  void primaryKeys(String mode) throws Exception {
    try (Connection c = connect(mode)) {
      DatabaseMetaData md = c.getMetaData();
      String[] cols = {"TABLE_CAT", "TABLE_NAME", "COLUMN_NAME", "KEY_SEQ", "PK_NAME"};
      assertThat(rows(md.getPrimaryKeys(null, "public", "customers"), cols))
          .containsExactly("shop customers id 1 customers_pkey");
      assertThat(rows(md.getPrimaryKeys(null, null, "lines"), cols))
          .containsExactly("shop lines order_id 1 lines_pkey", "shop lines line 2 lines_pkey");
      assertThat(rows(md.getPrimaryKeys(null, null, "big_orders"), cols)).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "preferQueryMode=simple"})
  void foreignKeysWithTheirRules(String mode) throws Exception {
    String[] cols = {
      "PKTABLE_NAME",
      "PKCOLUMN_NAME",
      "FKTABLE_NAME",
      "FKCOLUMN_NAME",
      "KEY_SEQ",
      "UPDATE_RULE",
      "DELETE_RULE",
      "FK_NAME",
      "PK_NAME",
      "DEFERRABILITY"
    };
    String ordersFk =
        "customers id orders customer_id 1 3 0 orders_customer_id_fkey customers_pkey 7";
    String linesFk = "orders id lines order_id 1 2 3 lines_order_id_fkey orders_pkey 7";
    try (Connection c = connect(mode)) {
      DatabaseMetaData md = c.getMetaData();
      assertThat(rows(md.getImportedKeys(null, "public", "orders"), cols))
          .containsExactly(ordersFk);
      assertThat(rows(md.getExportedKeys(null, "public", "customers"), cols))
          .containsExactly(ordersFk);
      assertThat(rows(md.getImportedKeys(null, null, "lines"), cols)).containsExactly(linesFk);
      assertThat(rows(md.getExportedKeys(null, null, "orders"), cols)).containsExactly(linesFk);
      assertThat(rows(md.getCrossReference(null, null, "customers", null, null, "orders"), cols))
          .containsExactly(ordersFk);
      assertThat(rows(md.getImportedKeys(null, null, "customers"), cols)).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "preferQueryMode=simple"})
  void indexInfo(String mode) throws Exception {
    String[] cols = {"NON_UNIQUE", "INDEX_NAME", "TYPE", "ORDINAL_POSITION", "COLUMN_NAME"};
    String[] more = {"ASC_OR_DESC", "FILTER_CONDITION"};
    try (Connection c = connect(mode)) {
      DatabaseMetaData md = c.getMetaData();
      assertThat(rows(md.getIndexInfo(null, "public", "customers", false, false), cols))
          .containsExactly("false customers_name_key 3 1 name", "false customers_pkey 3 1 id");
      assertThat(rows(md.getIndexInfo(null, "public", "orders", false, false), cols))
          .containsExactly("false orders_pkey 3 1 id", "true orders_customer 3 1 customer_id");
      assertThat(rows(md.getIndexInfo(null, "public", "orders", true, false), cols))
          .containsExactly("false orders_pkey 3 1 id");
      assertThat(rows(md.getIndexInfo(null, null, "lines", false, false), cols))
          .containsExactly("false lines_pkey 3 1 order_id", "false lines_pkey 3 2 line");
      assertThat(rows(md.getIndexInfo(null, null, "lines", false, false), more))
          .containsExactly("A null", "A null");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "preferQueryMode=simple"})
  void typeInfoAndProcedures(String mode) throws Exception {
    try (Connection c = connect(mode)) {
      DatabaseMetaData md = c.getMetaData();
      List<String> types = rows(md.getTypeInfo(), "TYPE_NAME", "DATA_TYPE");
      assertThat(types)
          .contains(
              "int8 " + Types.BIGINT,
              "int4 " + Types.INTEGER,
              "text " + Types.VARCHAR,
              "varchar " + Types.VARCHAR,
              "bool " + Types.BIT,
              "timestamptz " + Types.TIMESTAMP,
              "_int4 " + Types.ARRAY);
      assertThat(rows(md.getProcedures(null, null, "%"), "PROCEDURE_NAME")).isEmpty();
      assertThat(rows(md.getFunctions(null, null, "%"), "FUNCTION_NAME")).isEmpty();
    }
  }

  /**
   * A WITHOUT ROWID table's composite key in its declared order, an implicit referenced column (the
   * referenced table's key), DESC, partial and expression indexes.
   */
  @ParameterizedTest
  @ValueSource(strings = {"", "preferQueryMode=simple"})
  void compositeKeysAndIndexForms(String mode) throws Exception {
    try (Connection c = connect(mode);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE tags(a INTEGER, b TEXT, c INTEGER REFERENCES customers,"
              + " PRIMARY KEY (b, a)) WITHOUT ROWID");
      s.execute("CREATE INDEX tags_desc ON tags(a DESC, b)");
      s.execute("CREATE INDEX tags_part ON tags(c) WHERE c > 0");
      s.execute("CREATE INDEX tags_expr ON tags(lower(b))");
      DatabaseMetaData md = c.getMetaData();
      assertThat(rows(md.getPrimaryKeys(null, null, "tags"), "COLUMN_NAME", "KEY_SEQ", "PK_NAME"))
          .containsExactly("b 1 tags_pkey", "a 2 tags_pkey");
      assertThat(
              rows(
                  md.getImportedKeys(null, null, "tags"),
                  "FKCOLUMN_NAME",
                  "PKTABLE_NAME",
                  "PKCOLUMN_NAME",
                  "FK_NAME",
                  "PK_NAME"))
          .containsExactly("c customers id tags_c_fkey customers_pkey");
      assertThat(
              rows(
                  md.getIndexInfo(null, null, "tags", false, false),
                  "INDEX_NAME",
                  "ORDINAL_POSITION",
                  "COLUMN_NAME",
                  "ASC_OR_DESC",
                  "FILTER_CONDITION"))
          .containsExactly(
              "tags_pkey 1 b A null",
              "tags_pkey 2 a A null",
              "tags_desc 1 a D null",
              "tags_desc 2 b A null",
              "tags_expr 1 null A null",
              "tags_part 1 c A c > 0");
    }
  }

  /** NUMERIC(p, s) keeps its precision and scale in atttypmod, as SQLAlchemy and pgjdbc read it. */
  @ParameterizedTest
  @ValueSource(strings = {"", "preferQueryMode=simple"})
  void numericPrecisionAndScale(String mode) throws Exception {
    try (Connection c = connect(mode);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE prices(id INTEGER PRIMARY KEY, amount NUMERIC(10, 2), n DECIMAL(5))");
      assertThat(
              rows(
                  c.getMetaData().getColumns(null, null, "prices", "%"),
                  "COLUMN_NAME",
                  "TYPE_NAME",
                  "COLUMN_SIZE",
                  "DECIMAL_DIGITS"))
          .containsExactly("id int8 19 0", "amount numeric 10 2", "n numeric 5 0");
      try (ResultSet rs =
          s.executeQuery(
              "SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
                  + " WHERE a.attrelid = 'prices'::regclass AND a.attnum > 1 ORDER BY a.attnum")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("numeric(10,2)");
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("numeric(5,0)");
      }
    }
  }
}
