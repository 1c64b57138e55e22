package io.heliosdb.nano.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order workflow in child JVMs killed with SIGKILL at random moments and started again: every
 * order still ends shipped, and each step's effect is there exactly once. The kill delays come from
 * a seeded Random whose seed (and the history of kills) a failure prints; {@code
 * -DorderWorkflow.seed=N} reuses a seed (the timing of the processes still differs).
 */
class OrderWorkflowCrashTest {
  private static final int ORDERS = 2000;
  private static final int MIN_KILLS = 10;

  /** After this many kills the processes are left to finish. */
  private static final int MAX_KILLS = 40;

  /**
   * A kill comes after the steps committed a random number of workflow_log rows since the last
   * start, below this (some 20 kills spread over the 6,000 rows, whatever the machine's speed),
   * plus a random delay below {@link #MAX_KILL_DELAY_MS}.
   */
  private static final int MAX_PROGRESS_ROWS = 600;

  private static final int MAX_KILL_DELAY_MS = 50;

  /**
   * The share of kills that come right after the first row a start commits, with no delay: its
   * workers die holding the batches they just claimed.
   */
  private static final double QUICK_KILLS = 0.2;

  /**
   * Quick kills of one process in a row, once per test, from a random kill on: a crash loop, in
   * which the notifications of the batches its workers hold must not run out of attempts.
   */
  private static final int CRASH_LOOP = 8;

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir Path dir;
  private final long seed = Long.getLong("orderWorkflow.seed", System.nanoTime());
  private final Random random = new Random(seed);
  private final List<String> history = new ArrayList<>();
  private final List<Child> children = new ArrayList<>();
  private final int crashLoopFrom = 1 + random.nextInt(6);

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Child c : children) {
      c.kill();
    }
  }

  @Test
  void oneProcessKilledAtRandomMomentsShipsEveryOrderOnce() throws Exception {
    Child worker = new Child("a");
    children.add(worker);
    explained(
        () -> {
          worker.start(ORDERS);
          awaitOrdersInserted(worker);
          int kills = 0;
          while (kills < MAX_KILLS && killAtARandomMoment(worker)) {
            kills++;
            worker.start(0); // inserts nothing: the orders are in the file
          }
          assertThat(kills)
              .as("kills before the workflow was done")
              .isGreaterThanOrEqualTo(MIN_KILLS);
          worker.awaitSuccess();
          assertEveryOrderShippedOnce();
        });
  }

  @Test
  void twoProcessesSharingTheFileKilledAtRandomMomentsShipEveryOrderOnce() throws Exception {
    Child a = new Child("a");
    Child b = new Child("b");
    children.addAll(List.of(a, b));
    explained(
        () -> {
          a.start(ORDERS);
          awaitOrdersInserted(a);
          b.start(0);
          int kills = 0;
          Child victim = a;
          while (kills < MAX_KILLS) {
            if (!inCrashLoop(kills)) {
              victim = random.nextBoolean() ? a : b;
            }
            if (!victim.isRunning()) {
              victim = victim == a ? b : a; // done: it found every order shipped
            }
            if (!killAtARandomMoment(victim)) {
              break;
            }
            kills++;
            victim.start(0);
          }
          assertThat(kills)
              .as("kills before the workflow was done")
              .isGreaterThanOrEqualTo(MIN_KILLS);
          a.awaitSuccess();
          b.awaitSuccess();
          assertEveryOrderShippedOnce();
        });
  }

  /** Whether kill {@code kill} (0 = the first) continues a crash loop of the same process. */
  private boolean inCrashLoop(int kill) {
    return kill > crashLoopFrom && kill < crashLoopFrom + CRASH_LOOP;
  }

  private OrderWorkflowFile file() {
    return new OrderWorkflowFile(dir.resolve("orders.db"));
  }

  /** The first process inserts the orders in one transaction: wait for its commit. */
  private void awaitOrdersInserted(Child first) throws Exception {
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> file().rows("orders") == ORDERS || !first.isRunning());
    assertThat(file().rows("orders")).as("orders inserted by the first process").isEqualTo(ORDERS);
  }

  /**
   * Waits until the steps made a random amount of progress (workflow_log rows committed) since now,
   * waits a random delay more, kills {@code victim} with SIGKILL and checks the invariants on what
   * it left. False when there was nothing to kill: the processes found every order shipped and
   * exited by themselves.
   */
  private boolean killAtARandomMoment(Child victim) throws Exception {
    int kill = history.size();
    boolean quick = kill == crashLoopFrom || inCrashLoop(kill) || random.nextDouble() < QUICK_KILLS;
    int rows = quick ? 1 : 1 + random.nextInt(MAX_PROGRESS_ROWS);
    int delay = quick ? 0 : random.nextInt(MAX_KILL_DELAY_MS);
    long target = file().rows("workflow_log") + rows;
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(2))
        .until(() -> file().rows("workflow_log") >= target || !victim.isRunning());
    Thread.sleep(delay); // the random moment of the kill, not a wait for an event
    if (!victim.isRunning()) {
      assertThat(victim.process.exitValue()).as("exit status of process %s", victim.name).isZero();
      return false;
    }
    victim.kill();
    long logRows = file().rows("workflow_log");
    history.add(victim.name + "+" + rows + "rows+" + delay + "ms@" + logRows);
    assertThat(file().violations()).as("after kill %d", history.size()).isEmpty();
    return true;
  }

  private void assertEveryOrderShippedOnce() throws Exception {
    OrderWorkflowFile f = file();
    assertThat(f.rows("orders")).isEqualTo(ORDERS);
    assertThat(f.number("SELECT count(*) FROM orders WHERE status = 'shipped'")).isEqualTo(ORDERS);
    assertThat(f.rows("workflow_log")).isEqualTo(3L * ORDERS);
    assertThat(
            f.number(
                "SELECT count(*) FROM (SELECT order_id FROM workflow_log GROUP BY order_id"
                    + " HAVING count(*) = 3 AND count(DISTINCT step) = 3)"))
        .isEqualTo(ORDERS);
    assertThat(f.violations()).isEmpty();
    // Each step sent its next notification once per order: a duplicate effect would show here too.
    assertThat(
            f.query(
                "SELECT channel, count(*) AS n, count(DISTINCT payload) AS orders"
                    + " FROM heliosdb_notifications GROUP BY channel ORDER BY channel"))
        .extracting(r -> r.get("channel") + "=" + r.get("n") + "/" + r.get("orders"))
        .containsExactlyInAnyOrder(
            "inventory_allocated=" + ORDERS + "/" + ORDERS,
            "order_created=" + ORDERS + "/" + ORDERS,
            "payment_completed=" + ORDERS + "/" + ORDERS,
            "shipment_created=" + ORDERS + "/" + ORDERS);
    for (Map<String, Object> r :
        f.query(
            "SELECT name, lag, in_flight, retrying, handled, dead_lettered FROM heliosdb_consumers")) {
      assertThat(r)
          .as("consumer %s", r.get("name"))
          .containsEntry("lag", 0)
          .containsEntry("in_flight", 0)
          .containsEntry("retrying", 0)
          .containsEntry("handled", ORDERS)
          .containsEntry("dead_lettered", 0);
    }
    assertThat(f.rows("heliosdb_consumer_claims")).isZero();
  }

  private interface Body {
    void run() throws Exception;
  }

  /** Runs {@code body}; a failure says the seed, the kills and the processes' last output. */
  private void explained(Body body) throws Exception {
    try {
      body.run();
      System.out.println(getClass().getSimpleName() + ": seed " + seed + ", kills: " + history);
    } catch (Exception | AssertionError e) {
      StringBuilder b =
          new StringBuilder("seed ")
              .append(seed)
              .append(", kills (process+progress+delay@log rows after): ")
              .append(history);
      b.append("\nthe database and the logs: ").append(keep());
      for (Child c : children) {
        b.append("\n--- last output of process ").append(c.name).append(":\n").append(c.tail());
      }
      throw new AssertionError(b.toString(), e);
    }
  }

  /** Copies the test's directory to target/, where it outlives the test; returns the copy. */
  private Path keep() {
    Path copy = Path.of("target", "order-workflow-crash", dir.getFileName().toString());
    try {
      Files.createDirectories(copy);
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.copy(p, copy.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      return Path.of("(not copied: " + e + ")");
    }
    return copy.toAbsolutePath();
  }

  /** One slot of the example in a child JVM, started again after each kill. */
  private final class Child {
    final String name;
    final Path log;
    Process process;

    Child(String name) {
      this.name = name;
      this.log = dir.resolve("process-" + name + ".log");
    }

    void start(int orders) throws IOException {
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx256m",
                  "-XX:+UseSerialGC",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  OrderWorkflow.class.getName(),
                  "--db",
                  dir.resolve("orders.db").toString(),
                  "--config",
                  config().toString(),
                  "--orders",
                  Integer.toString(orders),
                  "--workers",
                  "2"));
      Files.writeString(
          log,
          "=== start " + String.join(" ", command.subList(7, command.size())) + "\n",
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      // The java binary itself, no shell: destroyForcibly() is a SIGKILL of this JVM.
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    }

    boolean isRunning() {
      return process != null && process.isAlive();
    }

    /** SIGKILL, then reaped: its process id reads as gone for the next start's recovery. */
    void kill() throws InterruptedException {
      if (process != null && process.isAlive()) {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("process %s killed", name).isTrue();
        assertThat(process.exitValue()).as("exit status of a SIGKILL").isEqualTo(128 + 9);
      }
    }

    void awaitSuccess() throws InterruptedException {
      assertThat(process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS))
          .as("process %s finished", name)
          .isTrue();
      assertThat(process.exitValue()).as("exit status of process %s", name).isZero();
    }

    String tail() {
      try {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
      } catch (IOException e) {
        return "(no output: " + e + ")";
      }
    }
  }

  /**
   * The example's file with a 2 s lease per step, so that the claims a killed process held pass to
   * the other process soon (its own next start frees them at once anyway).
   */
  private Path config() throws IOException {
    Path copy = dir.resolve("workflow.toml");
    if (!Files.exists(copy)) {
      String text = Files.readString(Path.of("order-workflow/workflow.toml"));
      Files.writeString(
          copy, text.replaceAll("(?m)^(\\[workflow\\.steps\\.[a-z_]+\\])$", "$1\nlease = \"2s\""));
    }
    return copy;
  }
}
