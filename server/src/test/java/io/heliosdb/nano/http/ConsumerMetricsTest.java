package io.heliosdb.nano.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.Workflow;
import io.heliosdb.nano.config.ConsumerSettings;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.config.WorkflowStep;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /metrics per durable consumer: its lag (refreshed every 2 s) and what this process's workers did
 * with the notifications they took, Java workers and wire workers' heliosdb_nack() alike.
 */
class ConsumerMetricsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    ConsumerSettings fast = ConsumerSettings.DEFAULTS.withRetry(3, Duration.ofMillis(50));
    server =
        new TestServer(
            HeliosConfig.builder()
                .path(dir.resolve("m.db"))
                .metricsEnabled(true)
                .workflowStep(WorkflowStep.of("pay", "orders", "charge", null).withConsumer(fast))
                .workflowStep(
                    WorkflowStep.of("audit", "orders", "check", null)
                        .withConsumer(fast.withRetry(1, Duration.ofMillis(50))))
                .build(),
            HttpConfig.builder());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String metrics() throws Exception {
    return server.get("/metrics").body();
  }

  @Test
  void lagAndOutcomesPerConsumer() throws Exception {
    for (int i = 0; i < 3; i++) {
      server.db.pubsub().notify("orders", "o" + i);
    }
    await()
        .atMost(WAIT)
        .until(
            () ->
                metrics().contains("heliosdb_consumer_lag{consumer=\"pay\"} 3.0")
                    && metrics().contains("heliosdb_consumer_lag{consumer=\"audit\"} 3.0"));
    assertThat(metrics()).contains("# TYPE heliosdb_consumer_lag gauge");

    // A wire worker gives one back twice: a retry on "pay", a dead letter on "audit" (1 attempt).
    try (Connection pg = server.pg();
        Statement s = pg.createStatement()) {
      assertThat(one(s, "SELECT heliosdb_claim('pay', 1)")).contains("\"id\":1");
      assertThat(one(s, "SELECT heliosdb_nack('pay', 1, 'gateway timeout')")).isEqualTo("retry");
      assertThat(one(s, "SELECT heliosdb_claim('audit', 1)")).contains("\"id\":1");
      assertThat(one(s, "SELECT heliosdb_nack('audit', 1, 'bad order')")).isEqualTo("dead_letter");
    }
    // Java workers handle the rest.
    try (Workflow w = server.db.startWorkflow(Map.of("charge", d -> null, "check", d -> null))) {
      await().atMost(WAIT).until(() -> w.step("pay").handled() == 3);
      await().atMost(WAIT).until(() -> w.step("audit").handled() == 2);
    }
    await()
        .atMost(WAIT)
        .until(
            () ->
                metrics().contains("heliosdb_consumer_lag{consumer=\"pay\"} 0.0")
                    && metrics().contains("heliosdb_consumer_lag{consumer=\"audit\"} 0.0"));
    assertThat(metrics())
        .contains("# TYPE heliosdb_consumer_notifications_total counter")
        .contains("heliosdb_consumer_notifications_total{consumer=\"pay\",outcome=\"handled\"} 3.0")
        .contains("heliosdb_consumer_notifications_total{consumer=\"pay\",outcome=\"retried\"} 1.0")
        .contains(
            "heliosdb_consumer_notifications_total{consumer=\"pay\",outcome=\"dead_lettered\"} 0.0")
        .contains(
            "heliosdb_consumer_notifications_total{consumer=\"audit\",outcome=\"handled\"} 2.0")
        .contains(
            "heliosdb_consumer_notifications_total{consumer=\"audit\",outcome=\"dead_lettered\"}"
                + " 1.0");
  }

  private static String one(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
