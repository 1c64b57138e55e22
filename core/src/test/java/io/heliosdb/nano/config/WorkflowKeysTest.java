package io.heliosdb.nano.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.Notification;
import io.heliosdb.nano.Subscription;
import io.heliosdb.nano.Workflow;
import io.heliosdb.nano.WorkflowAction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each key of a {@code [workflow.steps.NAME]} table takes effect, read from a file. */
class WorkflowKeysTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private HeliosDB db;

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  private HeliosDB open(String steps) throws IOException {
    Path f =
        Files.writeString(dir.resolve("heliosdb.toml"), "[database]\npath = \"w.db\"\n" + steps);
    db = HeliosDB.open(HeliosConfig.load(f));
    return db;
  }

  private Map<String, Object> consumer(String name) {
    return db.query(
            "SELECT v.channels, v.position, v.lag, v.in_flight, v.dead_letter_channel,"
                + " v.max_attempts, s.lease_ms, s.backoff_ms, s.backoff_max_ms FROM"
                + " heliosdb_consumers v JOIN heliosdb_consumer_state s ON s.name = v.name"
                + " WHERE v.name = ?",
            name)
        .get(0);
  }

  private static long num(Object o) {
    return ((Number) o).longValue();
  }

  @Test
  void triggerChannelActionAndNextChannelChainTheSteps() throws Exception {
    open(
        """
        [workflow.steps.double]
        trigger_channel = "numbers"
        action = "times_two"
        next_channel = "doubled"

        [workflow.steps.record]
        trigger_channel = "doubled"
        action = "keep"
        """);
    // The consumers exist from the open on, over their trigger channels.
    assertThat(consumer("double").get("channels")).isEqualTo("[\"numbers\"]");
    assertThat(consumer("record").get("channels")).isEqualTo("[\"doubled\"]");
    db.execute("CREATE TABLE kept(v INTEGER)");
    Map<String, WorkflowAction> actions =
        Map.of(
            "times_two",
            d -> Integer.toString(2 * Integer.parseInt(d.payload())),
            "keep",
            d -> {
              try (Statement s = d.connection().createStatement()) {
                s.executeUpdate("INSERT INTO kept VALUES (" + Integer.parseInt(d.payload()) + ")");
              }
              return "ignored: the step has no next_channel";
            });
    try (Subscription doubled = db.pubsub().subscribe("doubled");
        Workflow w = db.startWorkflow(actions)) {
      db.pubsub().notify("numbers", "21");
      Notification n = doubled.poll(WAIT);
      assertThat(n.payload()).isEqualTo("42");
      await().atMost(WAIT).until(() -> db.query("SELECT v FROM kept").size() == 1);
      assertThat(w.step("double").handled()).isEqualTo(1);
    }
    assertThat(db.query("SELECT v FROM kept").get(0).get("v")).isEqualTo(42);
    // Every channel of the steps is durable: in the log, the trigger's and the next's.
    assertThat(db.query("SELECT channel, payload FROM heliosdb_notifications ORDER BY id"))
        .containsExactly(
            Map.of("channel", "numbers", "payload", "21"),
            Map.of("channel", "doubled", "payload", "42"));
  }

  @Test
  void anActionWithNoHandlerNamesTheFileLineStepKeyAndTheRegisteredActions() throws Exception {
    open(
        """
        [workflow.steps.pay]
        trigger_channel = "orders"
        action = "charge_card"
        """);
    Path file = dir.resolve("heliosdb.toml");
    Map<String, WorkflowAction> actions = Map.of("refund", d -> null, "charge", d -> null);
    assertThatThrownBy(() -> db.startWorkflow(actions))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            file
                + ":5: workflow.steps.pay.action = \"charge_card\": no action is registered under"
                + " that name (registered: charge, refund)");
    assertThatThrownBy(() -> db.startWorkflow(Map.of())).hasMessageEndingWith("(registered: none)");
  }

  @Test
  void retryMaxAttemptsBackoffBackoffMaxAndDeadLetterChannel() throws Exception {
    open(
        """
        [workflow.steps.pay]
        trigger_channel = "orders"
        action = "charge"
        retry_max_attempts = 3
        retry_backoff = "200ms"
        retry_backoff_max = "250ms"
        dead_letter_channel = "unpaid"
        """);
    Map<String, Object> row = consumer("pay");
    assertThat(num(row.get("max_attempts"))).isEqualTo(3);
    assertThat(num(row.get("backoff_ms"))).isEqualTo(200);
    assertThat(num(row.get("backoff_max_ms"))).isEqualTo(250);
    assertThat(row.get("dead_letter_channel")).isEqualTo("unpaid");

    Map<Integer, Long> failedAt = new ConcurrentHashMap<>();
    Map<Integer, Long> notBefore = new ConcurrentHashMap<>();
    WorkflowAction charge =
        d -> {
          if (d.attempt() > 1) {
            // The retry was due at not_before, set when the previous attempt failed.
            try (Statement s = d.connection().createStatement();
                ResultSet rs =
                    s.executeQuery(
                        "SELECT not_before FROM heliosdb_consumer_claims WHERE id = " + d.id())) {
              rs.next();
              notBefore.put(d.attempt(), rs.getLong(1));
            }
          }
          failedAt.put(d.attempt(), System.currentTimeMillis());
          throw new IllegalStateException("card declined");
        };
    try (Subscription dead = db.pubsub().subscribe("unpaid");
        Workflow w = db.startWorkflow(Map.of("charge", charge))) {
      db.pubsub().notify("orders", "{\"order_id\":7}");
      Notification n = dead.poll(WAIT);
      assertThat(n).isNotNull();
      assertThat(n.payload())
          .isEqualTo(
              "{\"consumer\":\"pay\",\"id\":1,\"channel\":\"orders\",\"payload\":"
                  + "\"{\\\"order_id\\\":7}\",\"attempts\":3,\"error\":"
                  + "\"IllegalStateException: card declined\"}");
      await().atMost(WAIT).until(() -> w.step("pay").deadLettered() == 1);
      assertThat(w.step("pay").retried()).isEqualTo(2);
    }
    assertThat(failedAt).containsOnlyKeys(1, 2, 3);
    // After attempt 1: retry_backoff; after attempt 2: doubled (400 ms), cut to retry_backoff_max.
    assertThat(notBefore.get(2) - failedAt.get(1)).isGreaterThanOrEqualTo(200);
    assertThat(notBefore.get(3) - failedAt.get(2)).isBetween(250L, 399L);
    assertThat(failedAt.get(3) - failedAt.get(2)).isGreaterThanOrEqualTo(250);
    assertThat(num(consumer("pay").get("lag"))).isZero();
  }

  @Test
  void leaseIsHowLongAClaimHoldsBeforeAnotherWorkerMayTakeIt() throws Exception {
    open(
        """
        [workflow.steps.pay]
        trigger_channel = "orders"
        action = "charge"
        lease = "300ms"
        """);
    assertThat(num(consumer("pay").get("lease_ms"))).isEqualTo(300);
    db.pubsub().notify("orders", "o1");
    try (HeliosConnection first = db.connection();
        HeliosConnection second = db.connection()) {
      assertThat(claim(first)).contains("\"id\":1").contains("\"attempt\":1");
      long claimedAt = System.nanoTime();
      assertThat(claim(second)).isEqualTo("[]");
      await().atMost(WAIT).until(() -> claim(second).contains("\"attempt\":2"));
      assertThat(Duration.ofNanos(System.nanoTime() - claimedAt))
          .isGreaterThanOrEqualTo(Duration.ofMillis(300));
      second.createStatement().executeQuery("SELECT heliosdb_ack('pay', 1)").close();
      // The first worker's acknowledgement comes too late: 55000, its transaction cannot commit.
      first.setAutoCommit(false);
      assertThatThrownBy(
              () -> first.createStatement().executeQuery("SELECT heliosdb_ack('pay', 1)"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("notification 1 is not claimed by consumer \"pay\"")
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("55000");
      first.rollback();
    }
    assertThat(num(consumer("pay").get("lag"))).isZero();
  }

  private static String claim(HeliosConnection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT heliosdb_claim('pay', 10)")) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void startAtTellsWhereAStepThatDoesNotExistYetStarts() throws Exception {
    try (HeliosDB before =
        HeliosDB.open(
            HeliosConfig.builder().path(dir.resolve("w.db")).durableChannels("news").build())) {
      before.pubsub().notify("news", "old 1");
      before.pubsub().notify("news", "old 2");
    }
    String steps =
        """
        [workflow.steps.early]
        trigger_channel = "news"
        action = "read"

        [workflow.steps.late]
        trigger_channel = "news"
        action = "read"
        start_at = "end"
        """;
    open(steps);
    assertThat(num(consumer("early").get("position"))).isZero();
    assertThat(num(consumer("early").get("lag"))).isEqualTo(2);
    assertThat(num(consumer("late").get("position"))).isEqualTo(2);
    assertThat(num(consumer("late").get("lag"))).isZero();
    db.pubsub().notify("news", "new");
    assertThat(num(consumer("early").get("lag"))).isEqualTo(3);
    assertThat(num(consumer("late").get("lag"))).isEqualTo(1);
    // Only where a consumer starts: opening again does not move it.
    db.close();
    open(steps);
    assertThat(num(consumer("late").get("position"))).isEqualTo(2);
    assertThat(num(consumer("late").get("lag"))).isEqualTo(1);
  }

  @Test
  void workersIsHowManyHandlersRunAtOnce() throws Exception {
    open(
        """
        [workflow.steps.pack]
        trigger_channel = "orders"
        action = "pack"
        workers = 3
        batch_size = 1
        """);
    CyclicBarrier allThree = new CyclicBarrier(3);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    AtomicInteger done = new AtomicInteger();
    WorkflowAction pack =
        d -> {
          threads.add(Thread.currentThread().getName());
          if (d.attempt() == 1 && d.id() <= 3) {
            allThree.await(WAIT.toSeconds(), TimeUnit.SECONDS); // only if 3 run at once
          }
          done.incrementAndGet();
          return null;
        };
    for (int i = 0; i < 3; i++) {
      db.pubsub().notify("orders", "o" + i);
    }
    try (Workflow w = db.startWorkflow(Map.of("pack", pack))) {
      assertThat(w.step("pack").settings().workers()).isEqualTo(3);
      await().atMost(WAIT).until(() -> w.step("pack").handled() == 3);
      assertThat(w.step("pack").retried()).isZero();
    }
    assertThat(threads)
        .containsExactlyInAnyOrder(
            "heliosdb-consumer-pack-0", "heliosdb-consumer-pack-1", "heliosdb-consumer-pack-2");
  }

  @Test
  void batchSizeIsHowManyNotificationsAWorkerClaimsAtOnce() throws Exception {
    open(
        """
        [workflow.steps.pack]
        trigger_channel = "orders"
        action = "pack"
        batch_size = 4
        """);
    for (int i = 0; i < 10; i++) {
      db.pubsub().notify("orders", "o" + i);
    }
    CountDownLatch go = new CountDownLatch(1);
    WorkflowAction pack =
        d -> {
          go.await(WAIT.toSeconds(), TimeUnit.SECONDS);
          return null;
        };
    try (Workflow w = db.startWorkflow(Map.of("pack", pack))) {
      // The one worker holds the first batch while its first handler waits.
      await().atMost(WAIT).until(() -> num(consumer("pack").get("in_flight")) == 4);
      assertThat(
              db.query(
                  "SELECT id FROM heliosdb_consumer_claims WHERE consumer = 'pack' ORDER BY id"))
          .extracting(r -> num(r.get("id")))
          .containsExactly(1L, 2L, 3L, 4L);
      go.countDown();
      await().atMost(WAIT).until(() -> w.step("pack").handled() == 10);
    }
    assertThat(List.of(num(consumer("pack").get("lag")))).containsExactly(0L);
  }
}
