package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.heliosdb.nano.HeliosDB;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 13 item 4 over the wire with pgjdbc in both protocols: casts (also the '...'::int8 pgjdbc's
 * simple mode inlines), SERIAL keys, the public schema, now(), ILIKE, ADD CONSTRAINT; and the
 * casts' decoded values compared with PostgreSQL 15's.
 */
class PgSyntaxWireTest {
  @TempDir static Path dir;
  private static WireServer server;
  private static int tables;

  @BeforeAll
  static void start() throws Exception {
    server =
        WireServer.start(HeliosDB.open(dir.resolve("syntax.db")), WireServer.Options.loopback(0));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static Connection connect(String mode) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + server.port() + "/s?preferQueryMode=" + mode, "test", "");
  }

  private static String one(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"extended", "simple"})
  void parametersInlinedWithCastsWork(String mode) throws Exception {
    try (Connection c = connect(mode);
        PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_lock(?)");
        PreparedStatement unlock = c.prepareStatement("SELECT pg_advisory_unlock(?)");
        PreparedStatement add = c.prepareStatement("SELECT ?::int + 1, ? || 'x'")) {
      lock.setLong(1, 9_000_000_000L);
      lock.executeQuery().close();
      unlock.setLong(1, 9_000_000_000L);
      try (ResultSet rs = unlock.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getBoolean(1)).isTrue();
      }
      add.setString(1, "41");
      add.setString(2, "a::int");
      try (ResultSet rs = add.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(42);
        assertThat(rs.getString(2)).isEqualTo("a::intx");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"extended", "simple"})
  void serialKeysTimestampsAndBytesAsDriversSendThem(String mode) throws Exception {
    String t = "items" + (++tables);
    try (Connection c = connect(mode);
        Statement st = c.createStatement()) {
      st.execute(
          "CREATE TABLE \"public\"."
              + t
              + " (id SERIAL NOT NULL, name VARCHAR(20), at TIMESTAMP, data BYTEA,"
              + " created timestamptz DEFAULT now(), PRIMARY KEY (id))");
      try (PreparedStatement ins =
          c.prepareStatement(
              "INSERT INTO public." + t + " (name, at, data) VALUES (?, ?, ?) RETURNING id")) {
        for (String name : List.of("Apple", "banana")) {
          ins.setString(1, name);
          ins.setTimestamp(2, Timestamp.valueOf("2026-12-04 18:00:00.5"));
          ins.setBytes(3, new byte[] {1, 2, (byte) 0xff});
          try (ResultSet rs = ins.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isPositive();
          }
        }
      }
      assertThat(one(c, "SELECT count(*)::int FROM public." + t + " WHERE name ILIKE 'a%'"))
          .isEqualTo("1");
      assertThat(one(c, "SELECT count(*) FROM " + t + " WHERE name NOT ILIKE 'APPLE'"))
          .isEqualTo("1");
      assertThat(one(c, "SELECT max(id) FROM " + t)).isEqualTo("2");
      assertThat(one(c, "SELECT created FROM " + t + " LIMIT 1"))
          .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+00");
      assertThat(one(c, "SELECT now()::text")).endsWith("+00");
      assertThat(one(c, "SELECT at FROM " + t + " LIMIT 1")).startsWith("2026-12-04 18:00:00.5");
      try (ResultSet rs = st.executeQuery("SELECT hex(data) FROM " + t + " LIMIT 1")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("0102FF");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"extended", "simple"})
  void addConstraintUniqueAndPrimaryKeyAreIndexesAndForeignKeyIsRefused(String mode)
      throws Exception {
    String t = "uniq" + (++tables);
    try (Connection c = connect(mode);
        Statement st = c.createStatement()) {
      st.execute("SET search_path TO public"); // accepted; public is the main database anyway
      st.execute("CREATE TABLE " + t + " (id integer, code text)");
      st.execute("ALTER TABLE public." + t + " ADD CONSTRAINT " + t + "_code UNIQUE (code)");
      st.execute("INSERT INTO " + t + " VALUES (1, 'a')");
      SQLException dup =
          catchThrowableOfType(
              () -> st.execute("INSERT INTO " + t + " VALUES (2, 'a')"), SQLException.class);
      assertThat(dup.getSQLState()).isEqualTo("23505");
      // Flyway's history table gets its key so: a unique index (SQLite cannot add a key)
      st.execute(
          "ALTER TABLE \"public\".\"" + t + "\" ADD CONSTRAINT " + t + "_pk PRIMARY KEY (id)");
      SQLException pk =
          catchThrowableOfType(
              () -> st.execute("INSERT INTO " + t + " VALUES (1, 'b')"), SQLException.class);
      assertThat(pk.getSQLState()).isEqualTo("23505");
      SQLException fk =
          catchThrowableOfType(
              () -> st.execute("ALTER TABLE " + t + " ADD FOREIGN KEY (id) REFERENCES x (id)"),
              SQLException.class);
      assertThat(fk.getSQLState()).isEqualTo("0A000");
      assertThat(fk.getMessage()).contains("FOREIGN KEY");
      assertThat(one(c, "SELECT 1")).isEqualTo("1"); // the session is usable
    }
  }

  /** Decoded values of casts, as pgjdbc reads them, against PostgreSQL 15. */
  @ParameterizedTest
  @ValueSource(strings = {"extended", "simple"})
  void castsDecodeAsOnPostgres(String mode) throws Exception {
    List<String> queries =
        List.of(
            "SELECT 1.5::int",
            "SELECT 2.5::integer",
            "SELECT (-1.5)::int8",
            "SELECT CAST(1.5 AS INTEGER)",
            "SELECT '12'::int8 + 1",
            "SELECT 'abcdef'::varchar(3)",
            "SELECT 42::text",
            "SELECT '7'::text::int",
            "SELECT (2 + 3)::text",
            "SELECT 1.2345::numeric(10,2)",
            "SELECT 7::float8 / 2",
            "SELECT 'x'::text || 'y'",
            "SELECT '2026-12-04'::date",
            "SELECT 'a' ILIKE 'A'",
            "SELECT 'abc' ~~ 'a%'",
            "SELECT length(now()::text) > 10");
    List<String> ours = new ArrayList<>();
    try (Connection c = connect(mode)) {
      for (String q : queries) {
        ours.add(q + " -> " + normal(one(c, q)));
      }
    }
    List<String> theirs = new ArrayList<>();
    try (PostgresServer pg = PostgresServer.start();
        Connection c = DriverManager.getConnection(pg.jdbcUrl() + "&preferQueryMode=" + mode)) {
      for (String q : queries) {
        theirs.add(q + " -> " + normal(one(c, q)));
      }
    }
    assertThat(ours).containsExactlyElementsOf(theirs);
  }

  /** Booleans as PostgreSQL prints them and as we do today (1/0; RowDescription is item 3). */
  private static String normal(String v) {
    return switch (v) {
      case "t", "1" -> "true";
      case "f", "0" -> "false";
      default -> v;
    };
  }
}
