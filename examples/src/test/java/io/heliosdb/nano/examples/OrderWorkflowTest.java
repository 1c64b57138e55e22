package io.heliosdb.nano.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.DurableConsumer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The order workflow in this JVM: every order through the three steps, each step once. */
class OrderWorkflowTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void everyOrderIsShippedWithOneLogRowPerStepAndOneSummaryLine() throws Exception {
    Path db = dir.resolve("orders.db");
    String out =
        stdout(
            () ->
                OrderWorkflow.main(
                    new String[] {"--db", db.toString(), "--orders", "20", "--workers", "2"}));

    assertThat(out.lines().toList())
        .singleElement()
        .asString()
        .matches(
            "order-workflow: 20 orders, all shipped; 60 steps handled in \\d+\\.\\d\\d s = \\d+"
                + " steps/s; end to end \\(created_at to shipped, 20 orders shipped during the"
                + " run\\) p50 \\d+ ms, p99 \\d+ ms");
    OrderWorkflowFile file = new OrderWorkflowFile(db);
    assertThat(file.number("SELECT count(*) FROM orders WHERE status = 'shipped'")).isEqualTo(20);
    assertThat(file.rows("orders")).isEqualTo(20);
    assertThat(file.rows("workflow_log")).isEqualTo(60);
    assertThat(
            file
                .query("SELECT order_id, count(*) AS n FROM workflow_log GROUP BY order_id")
                .stream()
                .map(r -> r.get("n")))
        .hasSize(20)
        .allMatch(n -> ((Number) n).intValue() == 3);
    assertThat(file.violations()).isEmpty();
    List<Map<String, Object>> consumers =
        file.query(
            "SELECT name, lag, handled, dead_lettered FROM heliosdb_consumers ORDER BY name");
    assertThat(consumers)
        .extracting(r -> r.get("name"))
        .containsExactlyInAnyOrderElementsOf(OrderWorkflowFile.STEPS);
    assertThat(consumers)
        .allSatisfy(
            r -> {
              assertThat(((Number) r.get("lag")).longValue()).as("lag of %s", r).isZero();
              assertThat(((Number) r.get("handled")).longValue()).as("%s", r).isEqualTo(20);
              assertThat(((Number) r.get("dead_lettered")).longValue()).as("%s", r).isZero();
            });
  }

  @Test
  void theWorkersFlagSetsTheWorkersOfEveryStep() throws Exception {
    OrderWorkflow.Options options =
        OrderWorkflow.options(
            new String[] {
              "--db", dir.resolve("w.db").toString(), "--orders", "0", "--workers", "3"
            });
    try (OrderWorkflow app = OrderWorkflow.start(options)) {
      assertThat(app.workflow().steps())
          .extracting(DurableConsumer::name)
          .containsExactlyElementsOf(OrderWorkflowFile.STEPS);
      assertThat(app.workflow().steps()).allMatch(s -> s.settings().workers() == 3);
    }
  }

  @Test
  void withoutOrdersItInsertsOneASecondAndShipsEachUntilStopped() throws Exception {
    OrderWorkflow.Options options =
        OrderWorkflow.options(new String[] {"--db", dir.resolve("live.db").toString()});
    assertThat(options.continuous()).isTrue();
    OrderWorkflowFile file = new OrderWorkflowFile(dir.resolve("live.db"));
    OrderWorkflow.Summary summary;
    try (OrderWorkflow app = OrderWorkflow.start(options)) {
      await()
          .atMost(WAIT)
          .until(() -> file.number("SELECT count(*) FROM orders WHERE status = 'shipped'") >= 2);
      summary = app.stop();
    }
    assertThat(summary.orders()).isGreaterThanOrEqualTo(2);
    assertThat(summary.stepsHandled()).isGreaterThanOrEqualTo(6);
    assertThat(file.violations()).isEmpty();
  }

  @Test
  void percentilesAreNearestRank() {
    List<Long> values = java.util.stream.LongStream.rangeClosed(1, 200).boxed().toList();
    assertThat(OrderWorkflow.percentile(values, 50)).isEqualTo(100);
    assertThat(OrderWorkflow.percentile(values, 99)).isEqualTo(198);
    assertThat(OrderWorkflow.percentile(List.of(7L), 99)).isEqualTo(7);
    assertThat(OrderWorkflow.percentile(List.of(), 50)).isZero();
  }

  /** What {@code body} prints on System.out. */
  private static String stdout(ThrowingRunnable body) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
