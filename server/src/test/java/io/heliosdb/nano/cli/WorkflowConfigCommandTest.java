package io.heliosdb.nano.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workflow file of the product brief with {@code heliosdb sql} and {@code heliosdb serve}: it
 * loads unchanged (its database path is a deployment's, hence {@code --db}), its steps are
 * consumers in the database, the step keys are stored with them, and mistakes are one line with the
 * file, the line and the key.
 */
class WorkflowConfigCommandTest {
  /** The brief's file, unchanged: the order-workflow example serves it. */
  static final Path WORKFLOW_FILE =
      Path.of("..", "examples", "order-workflow", "workflow.toml").toAbsolutePath().normalize();

  private static final Pattern PORT =
      Pattern.compile("heliosdb: serving .+ at postgresql://127\\.0\\.0\\.1:(\\d+) ");

  @TempDir Path dir;

  /** What one run printed and returned. */
  record Run(int status, String out, String err) {}

  private static Run heliosdb(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            new ByteArrayInputStream(new byte[0]),
            false,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private String db() {
    return dir.resolve("workflow.db").toString();
  }

  @Test
  void theBriefsWorkflowFileLoadsUnchangedWithSql() {
    Run r = heliosdb("sql", "--config", WORKFLOW_FILE.toString(), "--db", db(), "-c", "select 1");
    assertThat(r.err()).isEmpty();
    assertThat(r.status()).isZero();
    assertThat(r.out()).isEqualTo(" 1\n---\n 1\n(1 row)\n\n");

    Run consumers =
        heliosdb(
            "sql",
            "--config",
            WORKFLOW_FILE.toString(),
            "--db",
            db(),
            "-c",
            "SELECT name, channels, lag, dead_letter_channel, max_attempts FROM heliosdb_consumers"
                + " ORDER BY created_at");
    assertThat(consumers.status()).isZero();
    assertThat(consumers.out().lines().skip(2).limit(3))
        .containsExactly(
            " payment_processing   | [\"order_created\"]       |   0 |"
                + " payment_processing_dead_letter   |            5",
            " inventory_allocation | [\"payment_completed\"]   |   0 |"
                + " inventory_allocation_dead_letter |            5",
            " shipping             | [\"inventory_allocated\"] |   0 |"
                + " shipping_dead_letter             |            5");
  }

  @Test
  void theBriefsWorkflowFileLoadsUnchangedWithServeAndItsStepsAreClaimable() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CompletableFuture<Void> stop = new CompletableFuture<>();
    CompletableFuture<Integer> status =
        CompletableFuture.supplyAsync(
            () ->
                Main.run(
                    new ByteArrayInputStream(new byte[0]),
                    false,
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8),
                    stop,
                    "serve",
                    "--config",
                    WORKFLOW_FILE.toString(),
                    "--db",
                    db(),
                    "--port",
                    "0",
                    "--http-port",
                    "0"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> status.isDone() || PORT.matcher(text(out)).find());
    Matcher m = PORT.matcher(text(out));
    assertThat(m.find()).as("started: %s %s", text(out), text(err)).isTrue();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + m.group(1) + "/workflow", "worker", "");
        Statement s = c.createStatement()) {
      assertThat(strings(s, "SELECT name FROM heliosdb_consumers ORDER BY name"))
          .containsExactly("inventory_allocation", "payment_processing", "shipping");
      // The trigger channel is durable: a notification on it is in the log, and claimable.
      s.execute("SELECT pg_notify('order_created', '{\"order_id\":1}')");
      assertThat(strings(s, "SELECT heliosdb_claim('payment_processing', 10)"))
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .contains("\"channel\":\"order_created\"")
          .contains("\"payload\":\"{\\\"order_id\\\":1}\"");
    }
    stop.complete(null);
    assertThat(status.get(30, TimeUnit.SECONDS)).isZero();
    assertThat(ServeCommandTest.withoutMemoryWarning(text(err))).isEmpty();
  }

  @Test
  void everyStepKeyIsStoredWithItsConsumer() throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("keys.toml"),
            """
            [workflow.steps.pay]
            trigger_channel = "orders"
            action = "charge"
            next_channel = "paid"
            retry_max_attempts = 7
            retry_backoff = "250ms"
            retry_backoff_max = "1m"
            dead_letter_channel = "unpaid"
            workers = 4
            batch_size = 25
            lease = "2m"
            start_at = "end"
            """);
    // A notification kept before the step's consumer exists: start_at = "end" starts after it.
    Path before =
        Files.writeString(
            dir.resolve("before.toml"), "[pubsub]\ndurable_channels = [\"orders\"]\n");
    Run sent =
        heliosdb(
            "sql",
            "--config",
            before.toString(),
            "--db",
            db(),
            "-c",
            "SELECT pg_notify('orders', 'before')");
    assertThat(sent.status()).as(sent.err()).isZero();
    Run r =
        heliosdb(
            "sql",
            "--config",
            config.toString(),
            "--db",
            db(),
            "-c",
            "SELECT channels, lease_ms, max_attempts, backoff_ms, backoff_max_ms,"
                + " dead_letter_channel FROM heliosdb_consumer_state;"
                + " SELECT position, lag FROM heliosdb_consumers");
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .contains(" [\"orders\"] |   120000 |            7 |        250 |          60000 | unpaid")
        .contains("        1 |   0");
  }

  @Test
  void mistakesInAStepAreOneLineWithFileLineAndKeyForSqlAndServe() throws Exception {
    String[][] cases = {
      {
        "[workflow.steps.pay]\naction = \"charge\"\n",
        ":1: workflow.steps.pay.trigger_channel is missing"
      },
      {
        "[workflow.steps.pay]\ntrigger_channel = \"orders\"\naction = \"a\"\nleese = \"1m\"\n",
        ":4: unknown key workflow.steps.pay.leese, did you mean lease?"
      },
      {
        "[workflow.steps.pay]\ntrigger_channel = \"orders\"\naction = \"a\"\nlease = \"a minute\"\n",
        ":4: workflow.steps.pay.lease = \"a minute\" is not a duration"
      },
      {
        "[workflow.steps.pay]\ntrigger_channel = \"orders\"\naction = \"a\"\nworkers = \"4\"\n",
        ":4: workflow.steps.pay.workers must be an integer"
      },
    };
    for (String[] c : cases) {
      Path config = Files.writeString(dir.resolve("bad.toml"), c[0]);
      for (List<String> args :
          List.of(
              List.of("sql", "--config", config.toString(), "--db", db(), "-c", "select 1"),
              List.of(
                  "serve",
                  "--config",
                  config.toString(),
                  "--db",
                  db(),
                  "--port",
                  "0",
                  "--http-port",
                  "0"))) {
        Run r = heliosdb(new ArrayList<>(args).toArray(String[]::new));
        assertThat(r.status()).as("%s %s", args.get(0), c[0]).isEqualTo(2);
        assertThat(r.err()).as(args.get(0)).startsWith("heliosdb: " + config + c[1]);
        assertThat(r.err().lines()).as(args.get(0)).hasSize(1);
        assertThat(r.out()).isEmpty();
      }
    }
  }

  private static List<String> strings(Statement s, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static String text(ByteArrayOutputStream s) {
    return s.toString(StandardCharsets.UTF_8);
  }
}
