package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.heliosdb.nano.HeliosDB;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real psql binary against a real server. Without psql the tests are skipped, except under
 * CI=true, where an external-client test must fail rather than skip.
 */
class PsqlTest {
  /** The hint of every catalog error (the catalog emulation's, in {@code wire.sql}). */
  private static final String CATALOG_HINT =
      "HeliosDB Nano emulates pg_catalog's pg_class, pg_attribute, pg_attrdef, pg_index,"
          + " pg_constraint, pg_namespace, pg_type, pg_database, pg_settings, pg_am, pg_roles,"
          + " pg_user and, empty, pg_description, pg_proc, pg_depend, pg_trigger, pg_inherits,"
          + " pg_auth_members and a few more; no other catalog table."
          + " List tables with SELECT name, type FROM sqlite_schema; a table's columns with"
          + " SELECT * FROM pragma_table_info('table_name').";

  @TempDir Path dir;
  private WireServer server;

  /** What one psql run printed and returned. */
  record Run(int status, String out, String err) {
    /** Standard output with trailing blanks cut from each line (psql pads headers). */
    String text() {
      return out.lines().map(String::stripTrailing).reduce("", (a, b) -> a + b + "\n");
    }
  }

  @BeforeEach
  void start() throws Exception {
    server =
        WireServer.start(HeliosDB.open(dir.resolve("shop.db")), WireServer.Options.loopback(0));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static String psqlBinary() {
    return program("psql");
  }

  /**
   * The path of a program on PATH; without it the test is skipped, except under CI=true, where it
   * fails (.ci/run installs what the tests need).
   */
  static String program(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    if ("true".equals(System.getenv("CI"))) {
      fail(name + " is not installed, and CI=true: external-client tests must run, not skip");
    }
    Assumptions.abort(name + " is not installed");
    return null;
  }

  private Run psql(String stdin, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(psqlBinary());
    cmd.addAll(
        List.of(
            "-h",
            "127.0.0.1",
            "-p",
            String.valueOf(server.port()),
            "-U",
            "test",
            "-d",
            "test",
            "-X",
            "-v",
            "ON_ERROR_STOP=1"));
    cmd.addAll(List.of(args));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Path in = dir.resolve("in.sql");
    Files.writeString(in, stdin);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectInput(in.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    pb.environment().put("PGCONNECT_TIMEOUT", "10");
    pb.environment().put("PGAPPNAME", "psql-test");
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("psql did not finish");
    }
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void queryResultsPrintAsFromPostgres() throws Exception {
    Run r =
        psql(
            "",
            "-c",
            "CREATE TABLE t(id INTEGER, name TEXT, price REAL, ok BOOLEAN);"
                + " INSERT INTO t VALUES (1, 'apple', 0.5, 1), (10, 'kiwi', 12.0, 0)",
            "-c",
            "SELECT * FROM t ORDER BY id");
    assertThat(r.err()).isEmpty();
    assertThat(r.status()).isZero();
    assertThat(r.text())
        .isEqualTo(
            String.join(
                "\n",
                "CREATE TABLE",
                "INSERT 0 2",
                " id | name  | price | ok",
                "----+-------+-------+----",
                "  1 | apple |   0.5 | t",
                " 10 | kiwi  |    12 | f",
                "(2 rows)",
                "",
                ""));
  }

  @Test
  void listenAndNotifyInOneSessionPrintTheNotification() throws Exception {
    Run r = psql("", "-c", "LISTEN orders; NOTIFY orders, 'x'");
    assertThat(r.err()).isEmpty();
    assertThat(r.status()).isZero();
    assertThat(r.out().lines())
        .hasSize(3)
        .startsWith("LISTEN", "NOTIFY")
        .last()
        .asString()
        .matches(
            "Asynchronous notification \"orders\" with payload \"x\" received from server process"
                + " with PID [1-9][0-9]*\\.");
  }

  @Test
  void scriptOnStandardInputGetsTriggerNotificationsAfterCommit() throws Exception {
    // psql cuts statements at semicolons, so the trigger goes in as one -c string first.
    psql(
        "",
        "-c",
        "CREATE TABLE orders(id INTEGER PRIMARY KEY); CREATE TRIGGER n AFTER INSERT ON orders"
            + " BEGIN SELECT pg_notify('orders', 'id=' || NEW.id); END");
    Run r =
        psql(
            "LISTEN orders;\n"
                + "BEGIN;\n"
                + "INSERT INTO orders VALUES (1);\n"
                + "INSERT INTO orders VALUES (2);\n"
                + "COMMIT;\n"
                + "BEGIN;\n"
                + "INSERT INTO orders VALUES (3);\n"
                + "ROLLBACK;\n");
    assertThat(r.err()).isEmpty();
    assertThat(r.out().replaceAll("PID [0-9]+\\.", "PID n.").lines())
        .containsExactly(
            "LISTEN",
            "BEGIN",
            "INSERT 0 1",
            "INSERT 0 1",
            "COMMIT",
            "Asynchronous notification \"orders\" with payload \"id=1\" received from server"
                + " process with PID n.",
            "Asynchronous notification \"orders\" with payload \"id=2\" received from server"
                + " process with PID n.",
            "BEGIN",
            "INSERT 0 1",
            "ROLLBACK");
  }

  @Test
  void errorStopsTheScriptWithTheMessageOnStandardError() throws Exception {
    Run r = psql("", "-c", "SELEC 1");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("ERROR:  near \"SELEC\": syntax error\n");
  }

  private static final String SCHEMA =
      "CREATE TABLE customers(id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL UNIQUE,"
          + " email TEXT);"
          + " CREATE TABLE orders(id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES"
          + " customers(id) ON DELETE CASCADE, total REAL NOT NULL DEFAULT 0);"
          + " CREATE INDEX orders_customer ON orders(customer_id)";

  /** The meta-commands' queries (psql 15's describe.c) on the emulated catalog, as PostgreSQL. */
  @Test
  void describeCommandsShowTablesIndexesAndKeys() throws Exception {
    psql("", "-c", SCHEMA);
    Run r = psql("\\dt\n\\d orders\n\\d customers\n\\di\n");
    assertThat(r.err()).isEmpty();
    assertThat(r.text())
        .contains(
            String.join(
                "\n",
                "         List of relations",
                " Schema |   Name    | Type  | Owner",
                "--------+-----------+-------+-------",
                " public | customers | table | test",
                " public | orders    | table | test",
                "(2 rows)"))
        .contains(
            String.join(
                "\n",
                "                    Table \"public.orders\"",
                "   Column    |       Type       | Collation | Nullable | Default",
                "-------------+------------------+-----------+----------+---------",
                " id          | bigint           |           | not null |",
                " customer_id | bigint           |           |          |",
                " total       | double precision |           | not null | 0",
                "Indexes:",
                "    \"orders_pkey\" PRIMARY KEY, btree (id)",
                "    \"orders_customer\" btree (customer_id)",
                "Foreign-key constraints:",
                "    \"orders_customer_id_fkey\" FOREIGN KEY (customer_id) REFERENCES"
                    + " customers(id) ON DELETE CASCADE"))
        .contains(
            String.join(
                "\n",
                " name   | character varying(40) |           | not null |",
                " email  | text                  |           |          |",
                "Indexes:",
                "    \"customers_pkey\" PRIMARY KEY, btree (id)",
                "    \"customers_name_key\" UNIQUE CONSTRAINT, btree (name)",
                "Referenced by:",
                "    TABLE \"orders\" CONSTRAINT \"orders_customer_id_fkey\" FOREIGN KEY"
                    + " (customer_id) REFERENCES customers(id) ON DELETE CASCADE"))
        .contains(" public | customers_name_key | index | test  | customers")
        .contains(" public | orders_customer    | index | test  | orders");
  }

  @Test
  void roleFunctionDatabaseAndSchemaLists() throws Exception {
    Run r = psql("\\du\n\\df\n\\l\n\\dn\n\\d+ nothing_here\n", "-v", "ON_ERROR_STOP=0");
    assertThat(r.text())
        .contains(" test      | Superuser, Create role, Create DB, Replication, Bypass RLS | {}")
        .contains(" Schema | Name | Result data type | Argument data types | Type")
        .contains("(0 rows)")
        .contains(" shop | test  | UTF8     | C       | C     |            | libc")
        .contains(" public | test");
    assertThat(r.err()).isEqualTo("Did not find any relation named \"nothing_here\".\n");
  }

  /** What the emulation cannot answer is 0A000 with the hint, and the session goes on. */
  @Test
  void unsupportedCatalogQueriesFailAndTheSessionGoesOn() throws Exception {
    Run r =
        psql(
            "SELECT relname, generate_series(1, relnatts) FROM pg_catalog.pg_class;\n"
                + "SELECT current_user, current_setting('application_name') AS app;\n",
            "-v",
            "ON_ERROR_STOP=0");
    assertThat(r.err().lines())
        .containsExactly(
            "ERROR:  this query on the PostgreSQL catalog is not supported: no such function:"
                + " generate_series",
            "HINT:  " + CATALOG_HINT);
    assertThat(r.text())
        .isEqualTo(
            String.join(
                "\n",
                " current_user |    app",
                "--------------+-----------",
                " test         | psql-test",
                "(1 row)",
                "",
                ""));
  }
}
