package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.config.ConsumerSettings;
import io.heliosdb.nano.config.ConsumerSettings.StartAt;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.session.ConsumerStore;
import io.heliosdb.nano.session.WorkerNames;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durable consumers through the Java API: exactly once, retries, dead letters, late joiners. */
class DurableConsumerTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private HeliosDB db;

  private HeliosDB open(String... durable) {
    db =
        HeliosDB.open(
            HeliosConfig.builder().path(dir.resolve("c.db")).durableChannels(durable).build());
    return db;
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  private static ConsumerSettings fast() {
    return ConsumerSettings.DEFAULTS.withRetry(3, Duration.ofMillis(50));
  }

  @Test
  void eachNotificationIsHandledOnceWithItsWorkInTheSameTransaction() {
    open("orders", "*_dead_letter");
    db.execute("CREATE TABLE done(id INTEGER PRIMARY KEY, payload TEXT)");
    for (int i = 0; i < 50; i++) {
      db.pubsub().notify("orders", "o" + i);
    }
    try (DurableConsumer c =
        db.consume(
            "mailer",
            List.of("orders"),
            fast().withWorkers(3).withBatchSize(4),
            d -> {
              try (PreparedStatement ps =
                  d.connection().prepareStatement("INSERT INTO done VALUES (?, ?)")) {
                ps.setLong(1, d.id());
                ps.setString(2, d.payload());
                ps.executeUpdate();
              }
            })) {
      await().atMost(WAIT).until(() -> count("done") == 50);
      await().atMost(WAIT).until(() -> c.lag() == 0);
      assertThat(c.handled()).isEqualTo(50);
      for (int i = 50; i < 60; i++) {
        db.pubsub().notify("orders", "o" + i);
      }
      await().atMost(WAIT).until(() -> count("done") == 60);
    }
    Map<String, Object> state =
        db.query("SELECT position, lag, handled FROM heliosdb_consumers WHERE name = 'mailer'")
            .get(0);
    assertThat(state.get("lag")).isEqualTo(0);
    assertThat(state.get("handled")).isEqualTo(60);
    assertThat(db.query("SELECT count(DISTINCT payload) AS n FROM done").get(0).get("n"))
        .isEqualTo(60);
  }

  @Test
  void aFailingHandlerRollsBackAndIsRetriedAfterTheBackoff() {
    open("jobs", "*_dead_letter");
    db.execute("CREATE TABLE effects(id INTEGER)");
    db.pubsub().notify("jobs", "flaky");
    AtomicInteger calls = new AtomicInteger();
    Map<Integer, Long> at = new ConcurrentHashMap<>();
    try (DurableConsumer c =
        db.consume(
            "flaky",
            List.of("jobs"),
            ConsumerSettings.DEFAULTS.withRetry(5, Duration.ofMillis(200)),
            d -> {
              at.put(d.attempt(), System.nanoTime());
              d.connection().createStatement().executeUpdate("INSERT INTO effects VALUES (1)");
              if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("payment service down");
              }
            })) {
      await().atMost(WAIT).until(() -> c.handled() == 1);
      assertThat(c.retried()).isEqualTo(2);
    }
    // The two failed attempts' inserts rolled back with them.
    assertThat(count("effects")).isEqualTo(1);
    assertThat(at).containsOnlyKeys(1, 2, 3);
    // 200 ms, then doubled: 400 ms.
    assertThat(Duration.ofNanos(at.get(2) - at.get(1))).isGreaterThanOrEqualTo(ms(200));
    assertThat(Duration.ofNanos(at.get(3) - at.get(2))).isGreaterThanOrEqualTo(ms(400));
  }

  @Test
  void afterTheLastAttemptTheNotificationGoesToTheDeadLetterChannelWithTheError() {
    open("jobs", "*_dead_letter");
    db.pubsub().notify("jobs", "poison");
    db.pubsub().notify("jobs", "fine");
    try (Subscription dead = db.pubsub().subscribe("poisoned_dead_letter");
        DurableConsumer c =
            db.consume(
                "poisoned",
                List.of("jobs"),
                fast(),
                d -> {
                  if (d.payload().equals("poison")) {
                    throw new IllegalArgumentException("cannot parse order");
                  }
                })) {
      await().atMost(WAIT).until(() -> c.deadLettered() == 1 && c.handled() == 1);
      assertThat(c.retried()).isEqualTo(2);
      Notification n = dead.poll(WAIT);
      assertThat(n.channel()).isEqualTo("poisoned_dead_letter");
      assertThat(n.payload())
          .contains("\"consumer\":\"poisoned\"")
          .contains("\"payload\":\"poison\"")
          .contains("\"attempts\":3")
          .contains("cannot parse order");
      await().atMost(WAIT).until(() -> c.lag() == 0);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    // Durable and visible in SQL.
    assertThat(
            db.query(
                "SELECT payload FROM heliosdb_notifications WHERE channel ="
                    + " 'poisoned_dead_letter'"))
        .hasSize(1);
    assertThat(
            db.query("SELECT dead_lettered FROM heliosdb_consumers WHERE name = 'poisoned'")
                .get(0)
                .get("dead_lettered"))
        .isEqualTo(1);
  }

  @Test
  void aClaimWhoseWorkerDiedIsTakenWhenItsLeaseRunsOut() throws SQLException {
    open("jobs", "*_dead_letter");
    db.execute("CREATE TABLE done(id INTEGER PRIMARY KEY)");
    ConsumerSettings settings = fast().withLease(Duration.ofMillis(800));
    // Created (with its lease) before there is anything to handle.
    db.consume("leased", List.of("jobs"), settings, d -> {}).close();
    db.pubsub().notify("jobs", "a");
    // A worker on another machine claims it and is never heard of again.
    try (var store =
        new io.heliosdb.nano.session.ConsumerStore(
            db.connection(), "elsewhere/1/w", db.config().maxPayloadBytes())) {
      assertThat(store.claim("leased", 10)).hasSize(1);
    }
    long claimedAt = System.nanoTime();
    try (DurableConsumer c =
        db.consume(
            "leased",
            List.of("jobs"),
            settings,
            d -> {
              assertThat(d.attempt()).isEqualTo(2);
              d.connection().createStatement().executeUpdate("INSERT INTO done VALUES (1)");
            })) {
      await().atMost(WAIT).until(() -> c.handled() == 1);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - claimedAt)).isGreaterThanOrEqualTo(ms(800));
    assertThat(count("done")).isEqualTo(1);
  }

  /**
   * A worker killed while holding a batch was on one notification only (a worker handles its batch
   * in id order): the rest of the batch was not attempted, and must not come nearer to the
   * dead-letter channel each time a process is killed. Here with two attempts allowed, a worker of
   * a process on this machine that is gone, twice holding a, b and c: only a, the one in hand, is
   * dead-lettered; b and c are handled, on their first attempt.
   */
  @Test
  void aKilledProcesssBatchCountsAnAttemptOnlyForTheNotificationInHand() throws Exception {
    open("jobs", "*_dead_letter");
    ConsumerSettings settings = ConsumerSettings.DEFAULTS.withRetry(2, Duration.ofMillis(50));
    String dead =
        WorkerNames.of("w")
            .replace("/" + ProcessHandle.current().pid() + "/", "/" + exitedProcessId() + "/");
    batchHeldTwiceBy(dead, settings, () -> {});
    assertOnlyTheNotificationInHandIsDeadLettered(settings);
  }

  /** The same when the batch's lease runs out (its worker on another machine is gone). */
  @Test
  void aBatchWhoseLeaseRanOutCountsAnAttemptOnlyForTheNotificationInHand() throws Exception {
    open("jobs", "*_dead_letter");
    ConsumerSettings settings =
        ConsumerSettings.DEFAULTS.withRetry(2, Duration.ofMillis(50)).withLease(ms(100));
    batchHeldTwiceBy(
        "elsewhere/1/w",
        settings,
        () -> {
          try (ConsumerStore s = store("observer/1/w")) {
            await().atMost(WAIT).until(() -> s.millisUntilWork("batch") == 0);
          }
        });
    assertOnlyTheNotificationInHandIsDeadLettered(settings);
  }

  private void batchHeldTwiceBy(String worker, ConsumerSettings settings, Step afterDeath)
      throws Exception {
    try (ConsumerStore s = store(WorkerNames.of("setup"))) {
      s.create("batch", List.of("jobs"), settings, db.config().durableChannels(), true);
    }
    for (String p : List.of("a", "b", "c")) {
      db.pubsub().notify("jobs", p);
    }
    for (int death = 1; death <= 2; death++) {
      try (ConsumerStore dying = store(worker)) {
        assertThat(dying.claim("batch", 10))
            .extracting(ConsumerStore.Claimed::payload)
            .as("claimed before death %d", death)
            .containsExactly("a", "b", "c");
      }
      // The next start on this machine frees the claims of the process that is gone.
      try (ConsumerStore next = store(WorkerNames.of("next"))) {
        next.releaseDeadWorkers("batch");
      }
      afterDeath.run();
    }
  }

  private void assertOnlyTheNotificationInHandIsDeadLettered(ConsumerSettings settings) {
    db.execute("CREATE TABLE done(payload TEXT PRIMARY KEY, attempt INTEGER)");
    try (DurableConsumer c =
        db.consume(
            "batch",
            List.of("jobs"),
            settings,
            d -> {
              try (PreparedStatement ps =
                  d.connection().prepareStatement("INSERT INTO done VALUES (?, ?)")) {
                ps.setString(1, d.payload());
                ps.setInt(2, d.attempt());
                ps.executeUpdate();
              }
            })) {
      await().atMost(WAIT).until(() -> c.lag() == 0);
    }
    assertThat(db.query("SELECT payload, attempt FROM done ORDER BY payload"))
        .containsExactly(
            Map.of("payload", "b", "attempt", 1), Map.of("payload", "c", "attempt", 1));
    assertThat(
            db.query(
                "SELECT json_extract(payload, '$.payload') AS p FROM heliosdb_notifications"
                    + " WHERE channel = 'batch_dead_letter'"))
        .containsExactly(Map.of("p", "a"));
  }

  private ConsumerStore store(String worker) {
    return new ConsumerStore(db.connection(), worker, db.config().maxPayloadBytes());
  }

  /** The id of a process of this machine that has exited (and been reaped). */
  private static long exitedProcessId() throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(p.waitFor()).isZero();
    return p.pid();
  }

  private interface Step {
    void run() throws Exception;
  }

  @Test
  void aConsumerThatJoinsLateStartsAtTheBeginningOrAtTheEndAsAsked() {
    open("news", "*_dead_letter");
    db.pubsub().notify("news", "old");
    List<String> fromStart = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<String> fromEnd = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (DurableConsumer a =
            db.consume("from_start", List.of("news"), fast(), d -> fromStart.add(d.payload()));
        DurableConsumer b =
            db.consume(
                "from_end",
                List.of("news"),
                fast().withStartAt(StartAt.END),
                d -> fromEnd.add(d.payload()))) {
      db.pubsub().notify("news", "new");
      await().atMost(WAIT).until(() -> fromStart.size() == 2 && fromEnd.size() == 1);
      assertThat(fromStart).containsExactly("old", "new");
      assertThat(fromEnd).containsExactly("new");
    }
  }

  @Test
  void consumingAChannelThatIsNotDurableIsRefused() {
    open("orders", "*_dead_letter");
    assertThatThrownBy(() -> db.consume("x", List.of("chat"), fast(), d -> {}))
        .isInstanceOf(HeliosException.class)
        .hasMessageContaining("\"chat\" is not durable")
        .extracting(e -> ((HeliosException) e).sqlState())
        .isEqualTo("22023");
  }

  @Test
  void theSameConsumerTwiceOnOneHandleIsRefused() {
    open("orders", "*_dead_letter");
    try (DurableConsumer c = db.consume("once", List.of("orders"), fast(), d -> {})) {
      assertThatThrownBy(() -> db.consume("once", List.of("orders"), fast(), d -> {}))
          .hasMessageContaining("already runs")
          .extracting(e -> ((HeliosException) e).sqlState())
          .isEqualTo("42710");
    }
  }

  @Test
  void retentionKeepsWhatAConsumerHasNotDone() throws SQLException {
    db =
        HeliosDB.open(
            HeliosConfig.builder()
                .path(dir.resolve("r.db"))
                .durableChannels("jobs", "*_dead_letter")
                .retentionMaxCount(2)
                .build());
    try (HeliosConnection c = db.connection();
        java.sql.Statement s = c.createStatement()) {
      s.execute("SELECT heliosdb_consumer_create('slow', 'jobs')");
      for (int i = 0; i < 5; i++) {
        db.pubsub().notify("jobs", "j" + i);
      }
      assertThat(db.pruneDurableLog()).isZero();
      java.sql.ResultSet rs = s.executeQuery("SELECT heliosdb_claim('slow', 2)");
      rs.next();
      assertThat(rs.getString(1)).contains("\"payload\":\"j0\"").contains("\"payload\":\"j1\"");
      rs.close();
      s.execute("SELECT heliosdb_ack('slow', 1)");
      s.execute("SELECT heliosdb_ack('slow', 2)");
    }
    // Done up to id 2: those two may go, and the limit of 2 would take a third but for the
    // consumer.
    assertThat(db.pruneDurableLog()).isEqualTo(2);
    assertThat(count("heliosdb_notifications")).isEqualTo(3);
    // Dropped, it holds nothing back any more.
    assertThat(db.query("SELECT heliosdb_consumer_drop('slow') AS d").get(0).get("d")).isEqualTo(1);
    assertThat(db.query("SELECT heliosdb_consumer_drop('slow') AS d").get(0).get("d")).isEqualTo(0);
    assertThat(db.query("SELECT * FROM heliosdb_consumers")).isEmpty();
    assertThat(db.pruneDurableLog()).isEqualTo(1);
    assertThat(count("heliosdb_notifications")).isEqualTo(2);
  }

  private long count(String table) {
    return ((Number) db.query("SELECT count(*) AS n FROM " + table).get(0).get("n")).longValue();
  }

  private static Duration ms(long n) {
    return Duration.ofMillis(n);
  }
}
