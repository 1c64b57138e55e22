package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.wire.DifferentialCorpusKnown.Mode;
import io.heliosdb.nano.wire.messages.Frames;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The differential test of issue 13: the statements of {@code differential/corpus.sql}, valid on
 * PostgreSQL 15, run in order on PostgreSQL 15 and on our server, each protocol on a database of
 * its own.
 *
 * <ul>
 *   <li>{@code SIMPLE}: the simple protocol on a raw socket, every message compared exactly (column
 *       names and type OIDs of RowDescription, values as text, command tags, the SQLSTATE class of
 *       an error, ParameterStatus, notifications without the sender's pid, ReadyForQuery's status);
 *   <li>{@code EXTENDED}: the same in the extended protocol (Parse, Bind, Describe, Execute, Sync),
 *       on a raw socket as well;
 *   <li>{@code PGJDBC}: through pgjdbc's default mode (extended protocol): column labels and type
 *       names, each value's getObject class and value (numerics compared by value), update counts;
 *   <li>{@code PGJDBC_SIMPLE}: the same with {@code preferQueryMode=simple}.
 * </ul>
 *
 * A statement listed in {@link DifferentialCorpusKnown#KNOWN} for a protocol must still differ
 * there (a fixed difference is removed from the list); every other statement must match exactly.
 */
class DifferentialCorpusTest {
  static final List<String> CORPUS = read("/differential/corpus.sql");

  @TempDir static Path dir;
  private static PostgresServer postgres;
  private static WireServer oursSimple;
  private static WireServer oursExtended;
  private static WireServer oursPgjdbc;
  private static WireServer oursPgjdbcSimple;
  private static final String SIMPLE_MODE = "&preferQueryMode=simple";

  @BeforeAll
  static void start() throws Exception {
    postgres = PostgresServer.start();
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl());
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE corpus_simple");
      st.execute("CREATE DATABASE corpus_extended");
      st.execute("CREATE DATABASE corpus_pgjdbc");
      st.execute("CREATE DATABASE corpus_pgjdbc_simple");
    }
    oursSimple = serve("simple.db");
    oursExtended = serve("extended.db");
    oursPgjdbc = serve("pgjdbc.db");
    oursPgjdbcSimple = serve("pgjdbc-simple.db");
  }

  private static WireServer serve(String file) throws Exception {
    return WireServer.start(HeliosDB.open(dir.resolve(file)), WireServer.Options.loopback(0));
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c :
        new AutoCloseable[] {oursSimple, oursExtended, oursPgjdbc, oursPgjdbcSimple, postgres}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> simpleProtocol() throws IOException {
    RawClient pg = new RawClient(postgres.port()).start("postgres", "corpus_simple");
    RawClient ours = new RawClient(oursSimple.port()).start("test", "corpus");
    return run(Mode.SIMPLE, sql -> raw(pg, sql, false), sql -> raw(ours, sql, false))
        .onClose(() -> closeAll(pg, ours));
  }

  @TestFactory
  Stream<DynamicTest> extendedProtocol() throws IOException {
    RawClient pg = new RawClient(postgres.port()).start("postgres", "corpus_extended");
    RawClient ours = new RawClient(oursExtended.port()).start("test", "corpus");
    return run(Mode.EXTENDED, sql -> raw(pg, sql, true), sql -> raw(ours, sql, true))
        .onClose(() -> closeAll(pg, ours));
  }

  @TestFactory
  Stream<DynamicTest> pgjdbc() throws SQLException {
    return pgjdbc(Mode.PGJDBC, "corpus_pgjdbc", oursPgjdbc, "");
  }

  @TestFactory
  Stream<DynamicTest> pgjdbcSimpleMode() throws SQLException {
    return pgjdbc(Mode.PGJDBC_SIMPLE, "corpus_pgjdbc_simple", oursPgjdbcSimple, SIMPLE_MODE);
  }

  private static Stream<DynamicTest> pgjdbc(
      Mode mode, String database, WireServer server, String options) throws SQLException {
    Connection pg =
        DriverManager.getConnection(
            postgres.jdbcUrl().replace("/postgres?", "/" + database + "?") + options);
    Connection ours =
        DriverManager.getConnection(
            "jdbc:postgresql://127.0.0.1:" + server.port() + "/corpus?user=test" + options);
    return run(mode, sql -> jdbc(pg, sql), sql -> jdbc(ours, sql))
        .onClose(() -> closeAll(pg, ours));
  }

  private static Stream<DynamicTest> run(
      Mode mode, Function<String, List<String>> onPostgres, Function<String, List<String>> onOurs) {
    return CORPUS.stream()
        .map(
            sql ->
                DynamicTest.dynamicTest(
                    sql,
                    () -> {
                      List<String> expected = onPostgres.apply(sql);
                      List<String> actual = onOurs.apply(sql);
                      assertThat(expected)
                          .as("the corpus holds statements valid on PostgreSQL 15")
                          .noneMatch(line -> line.startsWith("error"));
                      String reason = DifferentialCorpusKnown.reason(sql, mode);
                      if (reason != null) {
                        assertThat(actual)
                            .as(
                                "listed as a known difference (%s) but now matches PostgreSQL:"
                                    + " remove it from DifferentialCorpusKnown and docs/server.md",
                                reason)
                            .isNotEqualTo(expected);
                      } else {
                        assertThat(actual).as("PostgreSQL 15 says").isEqualTo(expected);
                      }
                    }));
  }

  /** What a simple Query (or Parse to Sync) answers, message by message. */
  private static List<String> raw(RawClient client, String sql, boolean extended) {
    List<String> out = new ArrayList<>();
    try {
      for (Frames.Backend m : extended ? client.extendedQuery(sql) : client.query(sql)) {
        switch (m.type()) {
          case 'T' -> out.add("columns " + m.columns());
          case 'D' -> out.add("row " + m.values());
          case 'C' -> out.add("tag " + m.tag());
          case 'E' -> out.add("error class " + m.sqlState().substring(0, 2));
          case 'I' -> out.add("empty");
          case 'A' -> out.add("notification " + m.notification().replaceFirst("^\\d+ ", ""));
          case 'S' -> {
            var b = m.buf();
            out.add("parameter " + Frames.cstring(b) + "=" + Frames.cstring(b));
          }
          case 'Z' -> out.add("ready " + m.status());
          case '1', '2', 'n', 's' -> out.add(String.valueOf(m.type())); // complete, NoData
          default -> {} // notices: their wording is not compared
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** What pgjdbc makes of a statement: results, update counts, or the SQLSTATE class. */
  private static List<String> jdbc(Connection c, String sql) {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement()) {
      boolean isResult = st.execute(sql);
      while (true) {
        if (isResult) {
          try (ResultSet rs = st.getResultSet()) {
            out.addAll(rows(rs));
          }
        } else if (st.getUpdateCount() >= 0) {
          out.add("count " + st.getUpdateCount());
        } else {
          break;
        }
        isResult = st.getMoreResults();
      }
    } catch (SQLException e) {
      out.add("error class " + String.valueOf(e.getSQLState()).substring(0, 2));
    }
    return out;
  }

  private static List<String> rows(ResultSet rs) throws SQLException {
    List<String> out = new ArrayList<>();
    ResultSetMetaData md = rs.getMetaData();
    List<String> columns = new ArrayList<>();
    for (int i = 1; i <= md.getColumnCount(); i++) {
      columns.add(md.getColumnLabel(i) + ":" + typeName(md.getColumnTypeName(i)));
    }
    out.add("columns " + columns);
    while (rs.next()) {
      List<String> row = new ArrayList<>();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        row.add(decoded(rs.getObject(i)));
      }
      out.add("row " + row);
    }
    return out;
  }

  /**
   * pgjdbc names an integer column with a sequence default serial or bigserial (it reads the
   * default from pg_attrdef by the table OID); the type is int4 or int8 all the same.
   */
  private static String typeName(String name) {
    return switch (name) {
      case "serial" -> "int4";
      case "bigserial" -> "int8";
      case "smallserial" -> "int2";
      default -> name;
    };
  }

  /** A value with its class; numerics by value (1.50 is 1.5), byte arrays by content. */
  private static String decoded(Object v) {
    if (v == null) {
      return "null";
    }
    String text =
        v instanceof BigDecimal d
            ? d.stripTrailingZeros().toPlainString()
            : v instanceof byte[] b ? Arrays.toString(b) : v.toString();
    return v.getClass().getSimpleName() + ":" + text;
  }

  /** The corpus' statements: each ends with ';' at the end of a line; '--' lines are comments. */
  static List<String> read(String resource) {
    try (InputStream in = DifferentialCorpusTest.class.getResourceAsStream(resource)) {
      List<String> statements = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("--")) {
          continue;
        }
        current.append(current.length() == 0 ? "" : " ").append(trimmed);
        if (trimmed.endsWith(";")) {
          statements.add(current.substring(0, current.length() - 1));
          current.setLength(0);
        }
      }
      return statements;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void closeAll(AutoCloseable... resources) {
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
