package io.heliosdb.nano.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.HeliosDB;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code heliosdb sql}, run in-process on captured streams against real database files. */
class SqlCommandTest {
  private static final String SCHEMA =
      "CREATE TABLE orders(id INTEGER PRIMARY KEY AUTOINCREMENT, amount REAL);"
          + " CREATE TRIGGER orders_notify AFTER INSERT ON orders BEGIN"
          + " SELECT pg_notify('orders', json_object('id', NEW.id, 'amount', NEW.amount)); END;";

  @TempDir Path dir;

  /** What one run printed and returned. */
  record Run(int status, String out, String err) {}

  private Run heliosdb(String stdin, String... args) {
    return heliosdb(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), false, args);
  }

  private static Run heliosdb(InputStream in, boolean terminal, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            in,
            terminal,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** {@code heliosdb sql --db shop.db -c sql}. */
  private Run sqlOnShop(String sql) {
    return heliosdb("", "sql", "--db", db(), "-c", sql);
  }

  private String db() {
    return dir.resolve("shop.db").toString();
  }

  @Test
  void listenThenInsertPrintsTheNotificationAsPsqlDoes() {
    Run r =
        sqlOnShop(
            SCHEMA + " LISTEN orders; INSERT INTO orders(amount) VALUES (9.99); NOTIFY orders;");
    assertThat(r.status()).isZero();
    assertThat(r.err()).isEmpty();
    // The pid is the session's; any positive number will do here.
    assertThat(r.out().replaceAll("PID [1-9]\\d*\\.", "PID n.").lines())
        .containsExactly(
            "CREATE TABLE",
            "CREATE TRIGGER",
            "LISTEN",
            "INSERT 0 1",
            "Asynchronous notification \"orders\" with payload \"{\"id\":1,\"amount\":9.99}\""
                + " received from server process with PID n.",
            "NOTIFY",
            "Asynchronous notification \"orders\" received from server process with PID n.");
  }

  @Test
  void rolledBackInsertPrintsNoNotification() {
    Run r =
        sqlOnShop(
            SCHEMA + "LISTEN orders; BEGIN; INSERT INTO orders(amount) VALUES (1); ROLLBACK;");
    assertThat(r.status()).isZero();
    assertThat(r.out().lines())
        .containsExactly(
            "CREATE TABLE", "CREATE TRIGGER", "LISTEN", "BEGIN", "INSERT 0 1", "ROLLBACK");
  }

  @Test
  void queriesPrintAnAlignedTable() {
    Run r =
        heliosdb(
            "",
            "sql",
            "--db",
            ":memory:",
            "-c",
            "CREATE TABLE t(id INTEGER, name TEXT, price REAL, note TEXT);"
                + "INSERT INTO t VALUES (1, 'apple', 0.5, NULL), (10, 'kiwi', 12.0, 'green');"
                + "SELECT * FROM t ORDER BY id; SELECT 1 AS one WHERE 0;");
    assertThat(r.status()).isZero();
    assertThat(r.out())
        .isEqualTo(
            String.join(
                "\n",
                "CREATE TABLE",
                "INSERT 0 2",
                " id | name  | price | note",
                "----+-------+-------+-------",
                "  1 | apple |   0.5 |",
                " 10 | kiwi  |    12 | green",
                "(2 rows)",
                "",
                " one",
                "-----",
                "(0 rows)",
                "",
                ""));
  }

  @Test
  void insertReturningPrintsRowsAndTheTag() {
    Run r = sqlOnShop(SCHEMA + "INSERT INTO orders(amount) VALUES (3), (4) RETURNING id;");
    assertThat(r.out()).contains(" id\n----\n  1\n  2\n(2 rows)\n\nINSERT 0 2\n");
  }

  @Test
  void errorStopsTheScriptWithItsSqlstateAndExitOne() {
    Run r = sqlOnShop("SELEC 1; CREATE TABLE never(x);");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).startsWith("ERROR:  42601: ").contains("syntax error");
    assertThat(r.err().lines()).hasSize(1);
    Run check = sqlOnShop("SELECT count(*) AS n FROM sqlite_schema");
    assertThat(check.out()).contains(" n\n---\n 0\n");
  }

  @Test
  void committedWorkBeforeAnErrorStays() {
    Run r =
        sqlOnShop(
            SCHEMA + "INSERT INTO orders(amount) VALUES (1); INSERT INTO orders(id) VALUES (1);");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).startsWith("ERROR:  23505: ");
    Run check = sqlOnShop("SELECT count(*) AS n FROM orders");
    assertThat(check.out()).contains(" 1\n(1 row)");
  }

  @Test
  void fileWithTriggerBodiesRuns() throws Exception {
    Path script = dir.resolve("schema.sql");
    Files.writeString(
        script,
        "-- schema\n"
            + SCHEMA.replace("; ", ";\n")
            + "\nLISTEN orders;\nINSERT INTO orders(amount)\n  VALUES (2.5);\n");
    Run r = heliosdb("", "sql", "--db", db(), "-f", script.toString());
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("INSERT 0 1\nAsynchronous notification \"orders\" with payload");
  }

  @Test
  void standardInputIsAScriptWhenNotATerminal() {
    Run r =
        heliosdb(
            SCHEMA.replace("; ", ";\n")
                + "\nINSERT INTO orders(amount)\nVALUES (7);\n"
                + "SELECT amount FROM orders",
            "sql",
            "--db",
            db());
    assertThat(r.status()).isZero();
    assertThat(r.out()).doesNotContain(SqlCommand.PROMPT);
    assertThat(r.out()).endsWith("INSERT 0 1\n amount\n--------\n      7\n(1 row)\n\n");
  }

  @Test
  void standardInputScriptStopsAtTheFirstError() {
    Run r =
        heliosdb(
            "CREATE TABLE a(x);\nINSERT INTO nope VALUES (1);\nCREATE TABLE b(x);\n",
            "sql",
            "--db",
            db());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).startsWith("ERROR:  42P01: ");
    assertThat(r.out()).isEqualTo("CREATE TABLE\n");
  }

  @Test
  void interactiveShellPrintsNotificationsFromOtherConnectionsAtThePrompt() throws Exception {
    PipedOutputStream keyboard = new PipedOutputStream();
    PipedInputStream in = new PipedInputStream(keyboard);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
    CompletableFuture<Integer> shell =
        CompletableFuture.supplyAsync(
            () -> Main.run(in, true, outStream, outStream, "sql", "--db", db()));
    keyboard.write("LISTEN \"Orders\";\nSELEC;\n".getBytes(StandardCharsets.UTF_8));
    keyboard.flush();
    await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().contains("42601"));

    try (HeliosDB other = HeliosDB.open(Path.of(db()))) {
      other.pubsub().notify("Orders", "from another connection");
    }
    keyboard.write("\n\\q\n".getBytes(StandardCharsets.UTF_8));
    keyboard.flush();

    assertThat(shell.get(10, java.util.concurrent.TimeUnit.SECONDS)).isZero();
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .contains(SqlCommand.PROMPT + "LISTEN\n")
        .contains("ERROR:  42601: ")
        .containsPattern(
            "Asynchronous notification \"Orders\" with payload \"from another connection\""
                + " received from server process with PID \\d+\\.");
  }

  @Test
  void badConfigFailsWithOneLineNamingLineAndKey() throws Exception {
    Path config = dir.resolve("heliosdb.toml");
    Files.writeString(config, "[database]\npath = \"x.db\"\nmemory_limt_mb = 64\n");
    Run r = heliosdb("", "sql", "--config", config.toString(), "-c", "SELECT 1");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err())
        .startsWith("heliosdb: ")
        .contains("heliosdb.toml:3: ")
        .contains("did you mean memory_limit_mb?");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void configFileChoosesTheDatabaseAndDbOverridesIt() throws Exception {
    Path config = dir.resolve("heliosdb.toml");
    Files.writeString(config, "[database]\npath = \"from-config.db\"\n");
    heliosdb("", "sql", "--config", config.toString(), "-c", "CREATE TABLE a(x)");
    assertThat(dir.resolve("from-config.db")).exists();
    heliosdb("", "sql", "--config", config.toString(), "--db", db(), "-c", "CREATE TABLE a(x)");
    assertThat(dir.resolve("shop.db")).exists();
  }

  @Test
  void missingFileAndConflictingOptionsAreUsageErrors() {
    Run missing = heliosdb("", "sql", "--db", db(), "-f", dir.resolve("none.sql").toString());
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err())
        .isEqualTo("heliosdb: " + dir.resolve("none.sql") + ": no such file\n");

    Run both = heliosdb("", "sql", "--db", db(), "-c", "SELECT 1", "-f", "x.sql");
    assertThat(both.status()).isEqualTo(2);
    assertThat(both.err()).contains("mutually exclusive");
  }

  @Test
  void unreadableDatabaseIsAOneLineError() throws Exception {
    Path notADb = dir.resolve("text.db");
    Files.writeString(notADb, "this is not a database file, just some text that is long enough");
    Run r = heliosdb("", "sql", "--db", notADb.toString(), "-c", "SELECT * FROM sqlite_schema");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "heliosdb: cannot open " + notADb + ": file is not a database (SQLSTATE XX001)\n");
  }
}
