package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.heliosdb.nano.HeliosDB;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * psycopg2, psycopg 3, asyncpg and node-postgres against a real server: typed rows, notifications
 * with the sender's pid, and the housekeeping SQL drivers and pools send on their own. Each client
 * is a script under src/test/resources/clients printing one JSON line. A missing client skips the
 * test, except under {@code CI=true}, where it fails: CI installs them (.ci/run).
 */
class ExternalClientsTest {
  /** Debian's python, where apt installs python3-psycopg2, python3-psycopg and python3-asyncpg. */
  static final String PYTHON = "/usr/bin/python3";

  private static final Path NODE_MODULES = repoRoot().resolve(".ci/node/node_modules");

  @TempDir Path dir;
  private WireServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        WireServer.start(HeliosDB.open(dir.resolve("clients.db")), WireServer.Options.loopback(0));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void psycopg2() throws Exception {
    requirePython("psycopg2");
    assertThat(run(List.of(PYTHON, script("psycopg2_client.py")), null))
        .isEqualTo(
            "{\"row\": [42, 2.5, \"text\", null], \"types\": [\"int\", \"Decimal\", \"str\","
                + " \"NoneType\"], \"notifications\": [{\"channel\": \"py2_orders\", \"payload\":"
                + " \"{\\\"id\\\":1}\", \"from_sender\": true}]}");
  }

  /**
   * Issue 13 item 4: psycopg2 sends datetime, date, time, bytes, Decimal and timedelta parameters
   * inline with casts ('...'::timestamp, ...); SERIAL key, "public".t, DEFAULT now().
   */
  @Test
  void psycopg2Syntax() throws Exception {
    requirePython("psycopg2");
    assertThat(run(List.of(PYTHON, script("psycopg2_syntax.py")), null))
        .isEqualTo(
            "{\"at\": \"2026-12-04 18:00:00.123456\", \"count\": 1, \"created_form\": true,"
                + " \"data\": \"0001ff27\", \"day\": \"2026-12-04\", \"hex\": \"0001FF27\","
                + " \"id\": 1, \"ok\": true, \"price\": \"12.50\", \"t\": \"18:30:00\"}");
  }

  @Test
  void psycopg3() throws Exception {
    requirePython("psycopg");
    assertThat(run(List.of(PYTHON, script("psycopg3_client.py")), null))
        .isEqualTo(
            "{\"row\": [42, 2.5, \"text\", null], \"types\": [\"int\", \"Decimal\", \"str\","
                + " \"NoneType\"], \"params\": [[1, \"x\"], [2, \"it's %s\"]],"
                + " \"notifications\": [{\"channel\": \"py3_events\", \"payload\":"
                + " \"hello\", \"from_sender\": true}, {\"channel\": \"py3_events\", \"payload\":"
                + " \"\", \"from_sender\": true}]}");
  }

  /**
   * Issue 13: psycopg 3's DEALLOCATE name (past its 100 prepared statements) and DEALLOCATE ALL
   * (after a rollback, a DROP), and a Rollback() inside conn.transaction(). The same script gives
   * the same line against PostgreSQL 15 (with dbname and user changed), the error after DISCARD ALL
   * included: psycopg does not know that its statements are gone.
   */
  @Test
  void psycopg3Housekeeping() throws Exception {
    requirePython("psycopg");
    assertThat(run(List.of(PYTHON, script("psycopg3_housekeeping.py")), null))
        .isEqualTo(
            "{\"after_discard_all\": \"InvalidSqlStatementName 26000\", \"after_rollback\":"
                + " \"one\", \"after_rollback_block\": \"still running\", \"distinct_120\":"
                + " [\"one\"], \"ids\": [1, 3], \"lock_free_after_discard_all\": true,"
                + " \"prepared_after_120\": 100, \"prepared_after_discard_all\": 1,"
                + " \"prepared_after_drop\": 0, \"prepared_after_rollback\": 0,"
                + " \"prepared_after_ten\": 1, \"ten_runs\": [\"one\"], \"try_lock\": true}");
  }

  /**
   * Issue 13: asyncpg's Pool resets a connection on release with "SELECT pg_advisory_unlock_all();
   * CLOSE ALL; UNLISTEN *; RESET ALL;": five rounds on one connection, each leaving a lock, a
   * LISTEN and a setting behind. Its parameters are text (written before parameter types were
   * inferred; {@link #asyncpgTypedParameters} covers those). PostgreSQL 15 prints the same line.
   */
  @Test
  void asyncpgPool() throws Exception {
    requirePython("asyncpg");
    assertThat(run(List.of(PYTHON, script("asyncpg_pool.py")), null))
        .isEqualTo(
            "{\"application_name\": \"\", \"free_after_release\": [true, true, true, true,"
                + " true], \"listening\": 0, \"one_connection\": true, \"rounds\": [[\"round"
                + " 0\", false], [\"round 1\", false], [\"round 2\", false], [\"round 3\","
                + " false], [\"round 4\", false]], \"xact_lock_after_commit\": true,"
                + " \"xact_lock_held\": true}");
  }

  /**
   * Issue 13 item 2: asyncpg encodes parameters by the types the server describes; with the
   * column's type inferred it takes Python ints, floats, bools and bytes (before: "expected str,
   * got int"), and refuses a str for an integer parameter on the client side, as with PostgreSQL.
   */
  @Test
  void asyncpgTypedParameters() throws Exception {
    requirePython("asyncpg");
    assertThat(run(List.of(PYTHON, script("asyncpg_types.py")), null))
        .isEqualTo(
            "{\"after_error\": \"n1\", \"below_10\": 9, \"by_data\": 3, \"by_id\": [7, \"n7\","
                + " 10.5, false, \"0700\"], \"cast\": 6, \"flagged\": 5, \"in_list\": [2, 9],"
                + " \"insert_types\": [\"int8\", \"text\", \"float8\", \"bool\", \"bytea\"],"
                + " \"limit\": 2, \"notify\": true, \"price_over\": 5, \"str_for_int\":"
                + " \"DataError\", \"updated\": [0.25, false]}");
  }

  /**
   * node-postgres decodes by type: {@code 42} and {@code $2::int} are int4 (numbers) and {@code
   * 2.5} numeric (a string), as with PostgreSQL.
   */
  @Test
  void nodePostgres() throws Exception {
    require(
        Files.isDirectory(NODE_MODULES.resolve("pg")) && onPath("node"),
        "node and the npm package pg in " + NODE_MODULES);
    assertThat(run(List.of("node", script("node_pg_client.js")), NODE_MODULES))
        .isEqualTo(
            "{\"row\":[42,\"2.5\",\"text\",null],\"types\":[\"number\",\"string\",\"string\","
                + "\"null\"],\"params\":{\"t\":\"a\",\"i\":2,\"tt\":\"aa\"},"
                + "\"notifications\":[{\"channel\":\"node_events\",\"payload\":\"one\","
                + "\"from_sender\":true},{\"channel\":\"node_events\",\"payload\":\"two\","
                + "\"from_sender\":true}]}");
  }

  private String run(List<String> command, Path nodePath) throws Exception {
    List<String> cmd = new ArrayList<>(command);
    cmd.add("127.0.0.1");
    cmd.add(Integer.toString(server.port()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (nodePath != null) {
      pb.environment().put("NODE_PATH", nodePath.toString());
    }
    Process p = pb.start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("client finished").isTrue();
    assertThat(p.exitValue()).as("client exit status, output: %s", out).isZero();
    return out;
  }

  private static String script(String name) throws IOException {
    Path p = Path.of("src/test/resources/clients", name);
    if (!Files.exists(p)) {
      throw new IOException("missing client script " + p.toAbsolutePath());
    }
    return p.toAbsolutePath().toString();
  }

  static void requirePython(String module) throws Exception {
    boolean present = false;
    if (Files.isExecutable(Path.of(PYTHON))) {
      Process p = new ProcessBuilder(PYTHON, "-c", "import " + module).start();
      present = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
    require(present, PYTHON + " with the module " + module);
  }

  private static void require(boolean present, String what) {
    if (!present) {
      if ("true".equals(System.getenv("CI"))) {
        fail(what + " is missing (CI=true: .ci/run must install it)");
      }
      assumeTrue(false, what + " is missing");
    }
  }

  private static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }

  /** The repository root: the server module's parent (tests run in the module directory). */
  private static Path repoRoot() {
    return Path.of("").toAbsolutePath().getParent();
  }
}
