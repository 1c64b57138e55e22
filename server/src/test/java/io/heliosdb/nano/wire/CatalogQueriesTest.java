package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.heliosdb.nano.HeliosDB;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.core.TypeInfo;
import org.postgresql.jdbc.PgConnection;
import org.postgresql.util.PGobject;

/**
 * What drivers and tools ask on connect and about types, with the real pgjdbc driver against a real
 * server: current_user and friends, current_setting(), pgjdbc's TypeInfoCache queries on
 * pg_catalog.pg_type, and a clear error (never a hang) for catalog tables that are not emulated.
 */
class CatalogQueriesTest {
  @TempDir Path dir;
  private WireServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        WireServer.start(HeliosDB.open(dir.resolve("shop.db")), WireServer.Options.loopback(0));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Connection connect(String options) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + server.port() + "/shop?" + options, "ann", "");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "preferQueryMode=simple"})
  void currentUserAndFriendsAreTheLoginWithoutParentheses(String mode) throws Exception {
    try (Connection c = connect(mode);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT current_user, session_user, user, current_role, current_catalog,"
                    + " current_schema")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("ann");
      assertThat(rs.getString(2)).isEqualTo("ann");
      assertThat(rs.getString(3)).isEqualTo("ann");
      assertThat(rs.getString(4)).isEqualTo("ann");
      assertThat(rs.getString(5)).isEqualTo("shop");
      assertThat(rs.getString(6)).isEqualTo("public");
      ResultSetMetaData md = rs.getMetaData();
      assertThat(md.getColumnLabel(1)).isEqualTo("current_user");
      assertThat(md.getColumnLabel(3)).isEqualTo("user");
    }
  }

  @Test
  void aColumnNamedUserIsStillTheColumn() throws Exception {
    try (Connection c = connect("");
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE logins(user TEXT)");
      s.execute("INSERT INTO logins VALUES ('bob')");
      try (ResultSet rs = s.executeQuery("SELECT user FROM logins WHERE user <> current_user")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("bob");
      }
      s.execute("CREATE TABLE other(id INTEGER)");
      SQLException e =
          catchThrowableOfType(
              () -> s.executeUpdate("UPDATE other SET user = 'x'"), SQLException.class);
      assertThat(e.getSQLState()).isEqualTo("42703");
      assertThat(e.getMessage()).contains("no such column: user");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "preferQueryMode=simple"})
  void currentSettingReadsWhatSetAndShowSee(String mode) throws Exception {
    try (Connection c = connect(mode + "&ApplicationName=shop-app");
        Statement s = c.createStatement()) {
      s.execute("SET work_mem = '64MB'");
      try (ResultSet rs =
          s.executeQuery(
              "SELECT current_setting('application_name'), current_setting('work_mem'),"
                  + " current_setting('DateStyle'), current_setting('TimeZone'),"
                  + " current_setting('no_such_thing', true)")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("shop-app");
        assertThat(rs.getString(2)).isEqualTo("64MB");
        assertThat(rs.getString(3)).isEqualTo("ISO, MDY");
        assertThat(rs.getString(4)).isEqualTo("UTC");
        assertThat(rs.getString(5)).isNull();
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT current_setting(?)")) {
        ps.setString(1, "server_version_num");
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("150000");
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "preferQueryMode=simple"})
  void setConfigSetsWhatShowAndCurrentSettingSeeAndReportsReportedOnes(String mode)
      throws Exception {
    try (Connection c = connect(mode);
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT set_config('app.tenant', 'acme', false),"
                  + " set_config('application_name', 'renamed', true)")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("acme");
        assertThat(rs.getString(2)).isEqualTo("renamed");
      }
      try (ResultSet rs = s.executeQuery("SHOW app.tenant")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("acme");
      }
      // application_name is reported: pgjdbc learns the new value from ParameterStatus.
      assertThat(c.getClientInfo("ApplicationName")).isEqualTo("renamed");
      SQLException e =
          catchThrowableOfType(
              () -> s.executeQuery("SELECT set_config('client_encoding', 'LATIN1', false)"),
              SQLException.class);
      assertThat(e.getSQLState()).isEqualTo("0A000");
      assertThat(e.getMessage()).contains("UTF8 only");
      assertOneRow(s);
    }
  }

  @Test
  void unknownSettingIsTheSameErrorAsShowAndTheSessionGoesOn() throws Exception {
    try (Connection c = connect("");
        Statement s = c.createStatement()) {
      SQLException viaFunction =
          catchThrowableOfType(
              () -> s.executeQuery("SELECT current_setting('no_such_thing')"), SQLException.class);
      SQLException viaShow =
          catchThrowableOfType(() -> s.executeQuery("SHOW no_such_thing"), SQLException.class);
      assertThat(viaFunction.getSQLState()).isEqualTo("42704").isEqualTo(viaShow.getSQLState());
      assertThat(viaFunction.getMessage())
          .contains("unrecognized configuration parameter \"no_such_thing\"");
      assertThat(viaShow.getMessage())
          .contains("unrecognized configuration parameter \"no_such_thing\"");
      assertOneRow(s);
    }
  }

  @Test
  void everyReportedTypeIsNamedAndClassifiedByPgjdbc() throws Exception {
    try (Connection c = connect("");
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE t(i INTEGER, f REAL, s TEXT, v VARCHAR(9), b BLOB, ok BOOLEAN,"
              + " d DATE, ts TIMESTAMP, n DECIMAL(9, 2), j JSON, u UUID)");
      s.execute(
          "INSERT INTO t VALUES (1, 0.5, 's', 'v', x'01', 1, '2024-01-02',"
              + " '2024-01-02 03:04:05', 1.25, '{\"a\":1}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')");
      try (ResultSet rs = s.executeQuery("SELECT * FROM t")) {
        ResultSetMetaData md = rs.getMetaData();
        String[] names = {
          "int8",
          "float8",
          "text",
          "varchar",
          "bytea",
          "bool",
          "date",
          "timestamp",
          "numeric",
          "json",
          "uuid"
        };
        for (int i = 0; i < names.length; i++) {
          assertThat(md.getColumnTypeName(i + 1)).as("column %d", i + 1).isEqualTo(names[i]);
        }
        assertThat(md.getColumnType(11)).isEqualTo(Types.OTHER);
        assertThat(md.getColumnClassName(11)).isEqualTo("java.util.UUID");
        assertThat(rs.next()).isTrue();
        assertThat(rs.getObject(11))
            .isEqualTo(UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
        assertThat(rs.getObject(1)).isEqualTo(1L);
        assertThat(rs.getObject(6)).isEqualTo(true);
      }
    }
  }

  @Test
  void pgjdbcLooksUpATypeOutsideItsCacheInPgType() throws Exception {
    // interval is not among the OIDs pgjdbc knows: each call below queries pg_catalog.pg_type.
    try (Connection c = connect("")) {
      Array a = c.createArrayOf("interval", new Object[] {"1 day"});
      assertThat(a.getBaseTypeName()).isEqualTo("interval");
      PGobject iv = new PGobject();
      iv.setType("interval");
      iv.setValue("1 day");
      try (PreparedStatement ps = c.prepareStatement("SELECT ? AS v")) {
        ps.setObject(1, iv);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("1 day");
        }
      }
    }
  }

  @Test
  void everyTypeInfoCacheLookUpAnswers() throws Exception {
    try (Connection c = connect("")) {
      TypeInfo types = c.unwrap(PgConnection.class).getTypeInfo();
      assertThat(types.getPGType("interval")).isEqualTo(1186); // by name
      assertThat(types.getPGType("pg_catalog.timestamptz")).isEqualTo(1184); // with a schema
      assertThat(types.getPGArrayType("interval")).isEqualTo(1187); // array of a name
      assertThat(types.getPGType(3807)).isEqualTo("_jsonb"); // by OID
      assertThat(types.getPGArrayElement(1187)).isEqualTo(1186);
      assertThat(types.getArrayDelimiter(1187)).isEqualTo(',');
      assertThat(types.getSQLType(1187)).isEqualTo(Types.ARRAY); // typinput = array_in
      assertThat(types.getSQLType(1186)).isEqualTo(Types.OTHER);
      assertThat(types.getPGType("no_such_type")).isZero();
    }
  }

  @Test
  void typeInfoCacheQueriesAnswerAsPostgresWould() throws Exception {
    try (Connection c = connect("")) {
      // pgjdbc's TypeInfoCache statements, as it sends them.
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT pg_type.oid, typname   FROM pg_catalog.pg_type   LEFT   JOIN (select"
                  + " ns.oid as nspoid, ns.nspname, r.r           from pg_namespace as ns      "
                  + "     join ( select s.r, (current_schemas(false))[s.r] as nspname          "
                  + "          from generate_series(1, array_upper(current_schemas(false), 1)) as"
                  + " s(r) ) as r          using ( nspname )        ) as sp     ON sp.nspoid ="
                  + " typnamespace  WHERE typname = ?  ORDER BY sp.r, pg_type.oid DESC LIMIT 1;")) {
        ps.setString(1, "int4");
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).isEqualTo(23);
          assertThat(rs.getString(2)).isEqualTo("int4");
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT e.typdelim FROM pg_catalog.pg_type t, pg_catalog.pg_type e "
                  + "WHERE t.oid = ? and t.typelem = e.oid")) {
        ps.setInt(1, 2951);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo(",");
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT n.nspname = ANY(current_schemas(true)), n.nspname, t.typname "
                  + "FROM pg_catalog.pg_type t "
                  + "JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid WHERE t.oid = ?")) {
        ps.setInt(1, 3802);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getBoolean(1)).isTrue();
          assertThat(rs.getString(2)).isEqualTo("pg_catalog");
          assertThat(rs.getString(3)).isEqualTo("jsonb");
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "preferQueryMode=simple"})
  void catalogTablesAnswerPlainQueries(String mode) throws Exception {
    try (Connection c = connect(mode);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT t.typname, a.typname, n.nspname FROM pg_catalog.pg_type t"
                    + " JOIN pg_type a ON a.oid = t.typarray"
                    + " JOIN \"pg_catalog\".pg_namespace n ON n.oid = t.typnamespace"
                    + " WHERE t.oid IN (16, 20, 25, 1184, 2950) ORDER BY t.oid")) {
      StringBuilder got = new StringBuilder();
      while (rs.next()) {
        got.append(rs.getString(1)).append(' ').append(rs.getString(2)).append(' ');
        assertThat(rs.getString(3)).isEqualTo("pg_catalog");
      }
      assertThat(got.toString().strip())
          .isEqualTo("bool _bool int8 _int8 text _text timestamptz _timestamptz uuid _uuid");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT pid FROM pg_catalog.pg_stat_activity",
        "SELECT * FROM information_schema.routines",
        "SELECT viewname FROM pg_views",
        "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_opclass o ON true"
      })
  void catalogTablesThatAreNotEmulatedAreUndefinedAndSayWhatToUse(String sql) throws Exception {
    for (String mode : new String[] {"", "preferQueryMode=simple"}) {
      try (Connection c = connect(mode);
          Statement s = c.createStatement()) {
        SQLException e = catchThrowableOfType(() -> s.executeQuery(sql), SQLException.class);
        assertThat(e.getSQLState()).isEqualTo("42P01");
        assertThat(e.getMessage())
            .contains("does not exist")
            .contains("emulates pg_catalog's pg_class")
            .contains("SELECT name, type FROM sqlite_schema");
        assertOneRow(s);
      }
    }
  }

  @Test
  void catalogQueryInPostgresSyntaxIsNotSupportedInsideABlockToo() throws Exception {
    try (Connection c = connect("");
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      SQLException e =
          catchThrowableOfType(
              () -> s.executeQuery("SELECT array_agg(typname) FROM pg_type WHERE typname !~ '^_'"),
              SQLException.class);
      assertThat(e.getSQLState()).isEqualTo("0A000");
      assertThat(e.getMessage()).contains("query on the PostgreSQL catalog is not supported");
      c.rollback();
      assertOneRow(s);
    }
  }

  /** Set-returning functions in a select list have no SQLite form: 0A000, never a wrong answer. */
  @Test
  void unsupportedFormsOnEmulatedTablesAreFeatureNotSupported() throws Exception {
    try (Connection c = connect("");
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT UNIQUE)");
      SQLException e =
          catchThrowableOfType(
              () ->
                  s.executeQuery(
                      "SELECT relname, generate_series(1, relnatts) FROM pg_catalog.pg_class"),
              SQLException.class);
      assertThat(e.getSQLState()).isEqualTo("0A000");
      assertThat(e.getMessage())
          .contains("query on the PostgreSQL catalog is not supported")
          .contains("generate_series");
      assertOneRow(s);
    }
  }

  @Test
  void regexOperatorsOnTheCatalog() throws Exception {
    try (Connection c = connect("");
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t(a INTEGER)");
      s.execute("CREATE TABLE tt(a INTEGER)");
      try (ResultSet rs =
          s.executeQuery(
              "SELECT c.relname FROM pg_catalog.pg_class c WHERE c.relname"
                  + " OPERATOR(pg_catalog.~) '^(t)$' AND c.relname !~* '^T{2}$'"
                  + " AND c.relname ~* '^T' AND c.relname !~ 'x~'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("t");
        assertThat(rs.next()).isFalse();
      }
    }
  }

  /** Every row of {@code sql}, its columns joined with spaces. */
  private static List<String> rows(Statement s, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          b.append(i == 1 ? "" : " ").append(rs.getString(i));
        }
        out.add(b.toString());
      }
    }
    return out;
  }

  @Test
  void informationSchemaTablesColumnsAndSchemata() throws Exception {
    try (Connection c = connect("");
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE items(id INTEGER PRIMARY KEY, label VARCHAR(20) NOT NULL, n REAL)");
      s.execute("CREATE VIEW big AS SELECT id FROM items WHERE n > 1");
      assertThat(
              rows(
                  s,
                  "SELECT table_name, table_type FROM information_schema.tables"
                      + " WHERE table_schema = 'public' ORDER BY table_name"))
          .containsExactly("big VIEW", "items BASE TABLE");
      assertThat(
              rows(
                  s,
                  "SELECT c.column_name, c.data_type, c.is_nullable, c.character_maximum_length"
                      + " FROM information_schema.columns c WHERE c.table_name = 'items'"
                      + " ORDER BY c.ordinal_position"))
          .containsExactly(
              "id bigint NO null", "label character varying NO 20", "n double precision YES null");
      assertThat(
              rows(s, "SELECT schema_name FROM information_schema.schemata ORDER BY schema_name"))
          .containsExactly("information_schema", "pg_catalog", "public");
    }
  }

  /** SQLAlchemy 1.4's inspector queries (get_pk_constraint, get_foreign_keys), as it sends them. */
  @Test
  void sqlalchemyKeyQueries() throws Exception {
    try (Connection c = connect("");
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE orders(id INTEGER PRIMARY KEY)");
      s.execute(
          "CREATE TABLE lines(order_id INTEGER REFERENCES orders(id), line INTEGER,"
              + " PRIMARY KEY(order_id, line))");
      assertThat(
              rows(
                  s,
                  "SELECT a.attname FROM pg_attribute a JOIN (SELECT unnest(ix.indkey) attnum,"
                      + " generate_subscripts(ix.indkey, 1) ord FROM pg_index ix WHERE ix.indrelid"
                      + " = 'lines'::regclass AND ix.indisprimary) k ON a.attnum=k.attnum WHERE"
                      + " a.attrelid = 'lines'::regclass ORDER BY k.ord"))
          .containsExactly("order_id", "line");
      try (ResultSet rs =
          s.executeQuery(
              "SELECT r.conname, pg_catalog.pg_get_constraintdef(r.oid, true) as condef,"
                  + " n.nspname as conschema FROM pg_catalog.pg_constraint r, pg_namespace n,"
                  + " pg_class c WHERE r.conrelid = 'lines'::regclass AND r.contype = 'f' AND"
                  + " c.oid = confrelid AND n.oid = c.relnamespace ORDER BY 1")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("conname")).isEqualTo("lines_order_id_fkey");
        assertThat(rs.getString("condef"))
            .isEqualTo("FOREIGN KEY (order_id) REFERENCES orders(id)");
        assertThat(rs.getString("conschema")).isEqualTo("public");
        assertThat(rs.next()).isFalse();
      }
    }
  }

  /** Boolean catalog columns a statement selects are bool, in both protocols, as psql needs. */
  @ParameterizedTest
  @ValueSource(strings = {"", "preferQueryMode=simple"})
  void booleanCatalogColumnsAreBool(String mode) throws Exception {
    try (Connection c = connect(mode);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT r.rolname, r.rolsuper, rolcanlogin FROM pg_roles r")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getMetaData().getColumnTypeName(2)).isEqualTo("bool");
      assertThat(rs.getMetaData().getColumnLabel(2)).isEqualTo("rolsuper");
      assertThat(rs.getString(2)).isEqualTo("t");
      assertThat(rs.getObject(3)).isEqualTo(Boolean.TRUE);
    }
  }

  private static void assertOneRow(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT 1")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
  }
}
