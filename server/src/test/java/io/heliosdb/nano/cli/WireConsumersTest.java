package io.heliosdb.nano.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.util.PSQLException;

/**
 * Durable consumers over the wire: {@code heliosdb serve} runs the brief's workflow file unchanged
 * (a child JVM, {@link ServeProcess}), and the steps' consumers are worked by the example's Python
 * worker (examples/order-workflow/worker.py, psycopg 3 and psycopg2) and by pgjdbc. Without
 * Debian's python3-psycopg and python3-psycopg2 the Python tests are skipped, except under {@code
 * CI=true}, where they fail: .ci/run installs them.
 */
class WireConsumersTest {
  private static final String PYTHON = "/usr/bin/python3";
  private static final Path WORKER =
      Path.of("..", "examples", "order-workflow", "worker.py").toAbsolutePath().normalize();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> STEPS =
      List.of("payment_processing", "inventory_allocation", "shipping");

  @TempDir Path dir;
  private ServeProcess serve;
  private final List<Process> workers = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    serve = serve();
  }

  private ServeProcess serve() throws IOException {
    return ServeProcess.start(
        List.of(),
        "--config",
        WorkflowConfigCommandTest.WORKFLOW_FILE.toString(),
        "--db",
        dir.resolve("workflow.db").toString(),
        "--port",
        "0",
        "--http-port",
        "0");
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (Process p : workers) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    serve.close();
  }

  private Connection pg() throws SQLException {
    return DriverManager.getConnection(serve.jdbcUrl(), "tester", "");
  }

  @Test
  void pythonWorkersTakeEveryOrderThroughTheThreeStepsExactlyOnce() throws Exception {
    requirePython("psycopg");
    requirePython("psycopg2");
    int orders = 30;
    assertThat(python("--init", "--orders", Integer.toString(orders))).isZero();
    // Two workers per step, one of each driver, competing for the same consumer.
    List<Process> running = new ArrayList<>();
    for (String step : STEPS) {
      for (String driver : List.of("psycopg", "psycopg2")) {
        running.add(worker(step, "--driver", driver, "--batch", "4", "--poll", "0.2"));
      }
    }
    try (Connection c = pg()) {
      await().atMost(WAIT).until(() -> count(c, "orders WHERE status = 'shipped'") == orders);
      await()
          .atMost(WAIT)
          .until(() -> count(c, "heliosdb_consumers WHERE lag = 0 AND handled = " + orders) == 3);
      // A graceful stop: each worker finishes the order in hand and prints what it did.
      long[] handled = new long[STEPS.size()];
      for (int i = 0; i < running.size(); i++) {
        JsonNode summary = stopAndSummary(running.get(i));
        assertThat(summary.path("lost").asInt()).as("%s", summary).isZero();
        assertThat(summary.path("retried").asInt()).isZero();
        handled[i / 2] += summary.path("handled").asLong();
      }
      assertThat(handled).containsOnly(orders);

      assertThat(count(c, "workflow_log")).isEqualTo(3L * orders);
      assertThat(
              count(
                  c,
                  "(SELECT order_id, step FROM workflow_log GROUP BY order_id, step"
                      + " HAVING count(*) <> 1)"))
          .as("one log row per (order, step)")
          .isZero();
      assertThat(count(c, "(SELECT DISTINCT order_id, step FROM workflow_log)"))
          .isEqualTo(3L * orders);
      assertThat(count(c, "heliosdb_notifications WHERE channel = 'shipment_created'"))
          .isEqualTo(orders);
      assertThat(count(c, "heliosdb_consumer_claims")).isZero();
    }
  }

  @Test
  void aPythonWorkerThatDiesMidBatchGivesItsClaimsBackAtOnce() throws Exception {
    requirePython("psycopg");
    assertThat(python("--init", "--orders", "10")).isZero();
    // It claims all ten, handles three, then dies inside the fourth's transaction.
    Process dying = worker("payment_processing", "--batch", "10", "--crash-after", "3");
    assertThat(dying.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(dying.exitValue()).as(output(dying)).isEqualTo(3);
    try (Connection c = pg()) {
      // The lease is 30 s: the claims come back when the server sees the connection close.
      String[] claimed = {"[]"};
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !(claimed[0] = claim(c, "payment_processing", 10)).equals("[]"));
      JsonNode batch = JSON.readTree(claimed[0]);
      assertThat(batch).hasSize(7);
      List<Long> ids = new ArrayList<>();
      for (JsonNode n : batch) {
        ids.add(n.path("id").asLong());
        assertThat(n.path("attempt").asInt()).as("a give-back is not an attempt").isEqualTo(1);
      }
      assertThat(ids).containsExactly(4L, 5L, 6L, 7L, 8L, 9L, 10L);
      // The fourth order's update died with its transaction.
      assertThat(count(c, "orders WHERE status = 'paid'")).isEqualTo(3);
      assertThat(count(c, "workflow_log")).isEqualTo(3);
    }
  }

  @Test
  void theClaimsOfAKilledServerAreTakenAtOnceAfterItsRestart() throws Exception {
    // The worker's connection stays open until the server dies: a session that closes first gives
    // its claims back, which is the other case (a worker that stops).
    Connection worker = pg();
    try (Statement s = worker.createStatement()) {
      for (int i = 1; i <= 3; i++) {
        s.execute("SELECT pg_notify('order_created', 'o" + i + "')");
      }
      assertThat(JSON.readTree(claim(worker, "payment_processing", 10))).hasSize(3); // 30 s leases
    }
    serve.kill();
    try {
      worker.close();
    } catch (java.sql.SQLException gone) {
      // the server is dead
    }
    serve = serve();
    try (Connection c = pg()) {
      JsonNode batch = JSON.readTree(claim(c, "payment_processing", 10));
      assertThat(batch).hasSize(3);
      // Only the claim the dead worker was on (its lowest id) counts as an attempt; the rest of
      // its batch was never tried and gets its attempt back.
      assertThat(batch.get(0).path("attempt").asInt()).as("the one in hand").isEqualTo(2);
      assertThat(batch.get(1).path("attempt").asInt()).as("untried").isEqualTo(1);
      assertThat(batch.get(2).path("attempt").asInt()).as("untried").isEqualTo(1);
    }
  }

  @Test
  void anAcknowledgementAfterALostClaimFailsWith55000AndItsWorkRollsBack() throws Exception {
    try (Connection late = pg();
        Connection other = pg();
        Statement s = other.createStatement()) {
      s.execute("CREATE TABLE work(notification_id INTEGER, worker TEXT)");
      s.execute("SELECT pg_notify('order_created', 'o1')");
      long id = JSON.readTree(claim(late, "payment_processing", 1)).get(0).path("id").asLong();
      expireLease(s, id); // as if 30 s had passed without an acknowledgement
      JsonNode retaken = JSON.readTree(claim(other, "payment_processing", 1)).get(0);
      assertThat(retaken.path("id").asLong()).isEqualTo(id);
      assertThat(retaken.path("attempt").asInt()).isEqualTo(2);
      work(other, id, "other");
      other.commit();
      other.setAutoCommit(true);

      PSQLException e = catchThrowableOfType(() -> work(late, id, "late"), PSQLException.class);
      assertThat(e.getSQLState()).isEqualTo("55000");
      assertThat(e.getServerErrorMessage().getMessage())
          .isEqualTo(
              "notification "
                  + id
                  + " is not claimed by consumer \"payment_processing\": it was acknowledged"
                  + " already, or its lease ran out and another worker took it");
      late.rollback();
      late.setAutoCommit(true);
      assertThat(strings(s, "SELECT worker FROM work")).containsExactly("other");

      // The other order of the race: the late worker acknowledges before the new holder does.
      // Whichever acknowledgement commits first wins; the other fails.
      s.execute("SELECT pg_notify('order_created', 'o2')");
      long id2 = JSON.readTree(claim(late, "payment_processing", 1)).get(0).path("id").asLong();
      expireLease(s, id2);
      assertThat(JSON.readTree(claim(other, "payment_processing", 1)).get(0).path("id").asLong())
          .isEqualTo(id2);
      work(late, id2, "late");
      late.commit();
      PSQLException e2 = catchThrowableOfType(() -> work(other, id2, "other"), PSQLException.class);
      assertThat(e2.getSQLState()).isEqualTo("55000");
      other.rollback();
      other.setAutoCommit(true);
      assertThat(strings(s, "SELECT worker FROM work WHERE notification_id = " + id2))
          .containsExactly("late");
      assertThat(count(other, "heliosdb_consumers WHERE name = 'payment_processing' AND lag = 0"))
          .isEqualTo(1);
    }
  }

  /** The work of a notification and its acknowledgement, in a transaction left open. */
  private static void work(Connection c, long id, String worker) throws SQLException {
    c.setAutoCommit(false);
    try (PreparedStatement insert = c.prepareStatement("INSERT INTO work VALUES (?, ?)");
        PreparedStatement ack = c.prepareStatement("SELECT heliosdb_ack(?, ?)")) {
      insert.setLong(1, id);
      insert.setString(2, worker);
      insert.executeUpdate();
      ack.setString(1, "payment_processing");
      ack.setLong(2, id);
      ack.executeQuery().close();
    }
  }

  /** The lease of a claim running out, without waiting for it: its deadline moved to the past. */
  private static void expireLease(Statement s, long id) throws SQLException {
    s.executeUpdate(
        "UPDATE heliosdb_consumer_claims SET lease_until = 1 WHERE consumer ="
            + " 'payment_processing' AND id = "
            + id);
  }

  @Test
  void badCallsFailWithTheirSqlstateAndACleanMessageAndTheSessionGoesOn() throws Exception {
    String[][] cases = {
      {"SELECT heliosdb_claim('nope', 10)", "42704", "consumer \"nope\" does not exist"},
      {"SELECT heliosdb_ack('nope', 1)", "42704", "consumer \"nope\" does not exist"},
      {"SELECT heliosdb_nack('nope', 1, 'boom')", "42704", "consumer \"nope\" does not exist"},
      {"SELECT heliosdb_claim(NULL, 10)", "22023", "heliosdb_claim: consumer must not be NULL"},
      {
        "SELECT heliosdb_claim('payment_processing', NULL)",
        "22023",
        "heliosdb_claim: max must not be NULL"
      },
      {
        "SELECT heliosdb_ack('payment_processing', NULL)",
        "22023",
        "heliosdb_ack: id must not be NULL"
      },
      {"SELECT heliosdb_nack(NULL, 1, 'x')", "22023", "heliosdb_nack: consumer must not be NULL"},
      {
        "SELECT heliosdb_consumer_create(NULL, 'order_created')",
        "22023",
        "heliosdb_consumer_create: name must not be NULL"
      },
      {
        "SELECT heliosdb_claim('payment_processing', 0)",
        "22023",
        "heliosdb_claim: max must be from 1 to 1000, not 0"
      },
      {
        "SELECT heliosdb_claim('payment_processing', 1001)",
        "22023",
        "heliosdb_claim: max must be from 1 to 1000, not 1001"
      },
      {
        "SELECT heliosdb_claim('payment_processing', 'ten')",
        "22023",
        "heliosdb_claim: max must be an integer, not 'ten'"
      },
      {
        "SELECT heliosdb_consumer_create('chat_reader', 'chat')",
        "22023",
        "channel \"chat\" is not durable: a consumer reads durable channels"
            + " (pubsub.durable_channels, or a workflow step's)"
      },
      {
        "SELECT heliosdb_consumer_create('reader', 'order_created', 'middle')",
        "22023",
        "start_at must be 'beginning' or 'end', not 'middle'"
      },
      {
        "SELECT heliosdb_consumer_create('reader', '')",
        "22023",
        "consumer \"reader\" needs a channel"
      },
      {
        "SELECT heliosdb_ack('payment_processing', 999)",
        "55000",
        "notification 999 is not claimed by consumer \"payment_processing\""
      },
      {
        "SELECT heliosdb_claim()",
        "42883",
        "wrong number of arguments to function heliosdb_claim(): takes 1 or 2"
      },
    };
    try (Connection c = pg();
        Statement s = c.createStatement()) {
      for (String[] k : cases) {
        PSQLException e = catchThrowableOfType(() -> s.executeQuery(k[0]), PSQLException.class);
        assertThat((Object) e).as(k[0]).isNotNull();
        assertThat(e.getSQLState()).as(k[0]).isEqualTo(k[1]);
        String message = e.getServerErrorMessage().getMessage();
        assertThat(message).as(k[0]).startsWith(k[2]).doesNotContain("SQLITE", "SQL error");
        assertThat(strings(s, "SELECT 1")).as("usable after " + k[0]).containsExactly("1");
      }
      // The same through the extended protocol, with parameters.
      try (PreparedStatement ps = c.prepareStatement("SELECT heliosdb_claim(?, ?)")) {
        ps.setString(1, "nope");
        ps.setInt(2, 5);
        PSQLException e = catchThrowableOfType(ps::executeQuery, PSQLException.class);
        assertThat(e.getSQLState()).isEqualTo("42704");
        ps.setString(1, "payment_processing");
        ps.setInt(2, 5000);
        assertThat(catchThrowableOfType(ps::executeQuery, PSQLException.class).getSQLState())
            .isEqualTo("22023");
      }
      // Inside a transaction: it fails as a PostgreSQL transaction does, until ROLLBACK.
      c.setAutoCommit(false);
      assertThat(catchThrowableOfType(() -> claim(c, "nope", 1), PSQLException.class).getSQLState())
          .isEqualTo("42704");
      PSQLException aborted =
          catchThrowableOfType(() -> s.executeQuery("SELECT 1"), PSQLException.class);
      assertThat(aborted.getSQLState()).isEqualTo("25P02");
      c.rollback();
      c.setAutoCommit(true);
      // A consumer made over the wire dead-letters to <name>_dead_letter, which must be durable:
      // the file makes only its steps' channels durable.
      PSQLException notDurable =
          catchThrowableOfType(
              () -> s.executeQuery("SELECT heliosdb_consumer_create('audit', 'order_created')"),
              PSQLException.class);
      assertThat(notDurable.getSQLState()).isEqualTo("22023");
      assertThat(notDurable.getServerErrorMessage().getMessage())
          .isEqualTo(
              "channel \"audit_dead_letter\" is not durable: consumer \"audit\" dead-letters there;"
                  + " add it, or \"*_dead_letter\", to pubsub.durable_channels");
      // What succeeds: creating one that exists (nothing changes), a nack of nothing.
      assertThat(
              strings(s, "SELECT heliosdb_consumer_create('payment_processing', 'order_created')"))
          .containsExactly("0");
      assertThat(strings(s, "SELECT heliosdb_nack('payment_processing', 1, NULL)"))
          .containsExactly("not_claimed");
    }
  }

  @Test
  void aClaimInsideATransactionThatWroteWaitsForItsOwnLockThenFailsWith55P03() throws Exception {
    try (Connection c = pg();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t(x INTEGER)");
      s.execute("SELECT pg_notify('order_created', 'o1')");
      c.setAutoCommit(false);
      // Before the transaction writes, a claim commits on its own connection at once.
      assertThat(claim(c, "payment_processing", 1)).contains("\"attempt\":1");
      s.executeUpdate("INSERT INTO t VALUES (1)");
      long start = System.nanoTime();
      PSQLException e =
          catchThrowableOfType(() -> claim(c, "payment_processing", 1), PSQLException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("the busy timeout, 5 s by default")
          .isGreaterThanOrEqualTo(Duration.ofSeconds(4));
      assertThat(e.getSQLState()).isEqualTo("55P03");
      assertThat(e.getServerErrorMessage().getMessage())
          .startsWith(
              "database is locked (heliosdb_claim commits at once on a connection of its own")
          .contains("call it outside BEGIN ... COMMIT, or before the transaction writes");
      c.rollback();
      c.setAutoCommit(true);
      assertThat(claim(c, "payment_processing", 1)).isEqualTo("[]");
    }
  }

  private static String claim(Connection c, String consumer, int max) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT heliosdb_claim(?, ?)")) {
      ps.setString(1, consumer);
      ps.setInt(2, max);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  private static long count(Connection c, String from) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + from)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<String> strings(Statement s, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private String dsn() {
    return "host=127.0.0.1 port=" + serve.port + " user=worker dbname=workflow";
  }

  /** worker.py with these arguments, to its end; its exit status. */
  private int python(String... args) throws Exception {
    Process p = start(args);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("worker.py finished").isTrue();
    assertThat(p.exitValue()).as(output(p)).isZero();
    return p.exitValue();
  }

  /** A worker of {@code step}, running until stopped. */
  private Process worker(String step, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of(args));
    all.add(step);
    Process p = start(all.toArray(String[]::new));
    workers.add(p);
    return p;
  }

  private Process start(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(PYTHON, WORKER.toString(), "--dsn", dsn()));
    command.addAll(List.of(args));
    Path log = Files.createTempFile(dir, "worker", ".log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    logs.put(p, log);
    return p;
  }

  /** Each worker process's output file. */
  private final java.util.Map<Process, Path> logs = new java.util.concurrent.ConcurrentHashMap<>();

  private String output(Process p) throws IOException {
    Path log = logs.get(p);
    return log == null ? "" : Files.readString(log, StandardCharsets.UTF_8);
  }

  /** SIGTERM, then the JSON summary the worker prints last. */
  private JsonNode stopAndSummary(Process p) throws Exception {
    p.destroy();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = output(p);
    assertThat(p.exitValue()).as(out).isZero();
    List<String> lines = out.lines().toList();
    return JSON.readTree(lines.get(lines.size() - 1));
  }

  private static void requirePython(String module) throws Exception {
    boolean present = false;
    if (Files.isExecutable(Path.of(PYTHON))) {
      Process p = new ProcessBuilder(PYTHON, "-c", "import " + module).start();
      present = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
    if (!present) {
      String what = PYTHON + " with the module " + module;
      if ("true".equals(System.getenv("CI"))) {
        fail(what + " is missing (CI=true: .ci/run must install it)");
      }
      assumeTrue(false, what + " is missing");
    }
  }
}
