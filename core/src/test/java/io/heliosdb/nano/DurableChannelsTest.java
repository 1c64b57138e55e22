package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliosdb.nano.config.ConfigException;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.metrics.DefaultMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durable channels: the log row commits with the data, ids in commit order, resume by id. */
class DurableChannelsTest {
  @TempDir Path dir;
  HeliosDB db;

  @BeforeEach
  void open() {
    db = open(HeliosConfig.builder());
    db.execute("CREATE TABLE orders(id INTEGER PRIMARY KEY, amount REAL)");
    db.execute(
        "CREATE TRIGGER orders_notify AFTER INSERT ON orders BEGIN "
            + "SELECT pg_notify('orders', json_object('id', NEW.id)); END");
  }

  private HeliosDB open(HeliosConfig.Builder b) {
    return HeliosDB.open(
        b.path(dir.resolve("durable.db")).durableChannels("orders", "audit.*").build());
  }

  @Test
  void lagCountsWhatIsLeftToReplayThenWhatIsQueued() throws Exception {
    for (int i = 0; i < 10; i++) {
      db.execute("INSERT INTO orders(amount) VALUES (?)", i);
    }
    try (Subscription sub = db.pubsub().subscribe(SubscribeOptions.channels("orders").fromId(0))) {
      assertThat(sub.lag()).isEqualTo(10);
      take(sub, 3);
      assertThat(sub.lag()).as("seven still in the log").isEqualTo(7);
      take(sub, 7);
      assertThat(sub.poll()).isNull();
      assertThat(sub.lag()).isZero();
      db.execute("INSERT INTO orders(amount) VALUES (1), (2)");
      assertThat(sub.lag()).as("two live ones queued").isEqualTo(2);
    }
  }

  @AfterEach
  void close() {
    db.close();
  }

  private List<Map<String, Object>> log() {
    return db.query(
        "SELECT id, channel, payload, sender_pid FROM heliosdb_notifications ORDER BY id");
  }

  private static List<Notification> take(Subscription sub, int n) throws InterruptedException {
    List<Notification> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Notification x = sub.poll(Duration.ofSeconds(5));
      assertThat(x).as("item %d of %d", i + 1, n).isNotNull();
      out.add(x);
    }
    return out;
  }

  @Test
  void theLogRowCommitsAndRollsBackWithTheData() throws Exception {
    try (Subscription live = db.pubsub().subscribe("orders");
        HeliosConnection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("BEGIN");
      s.execute("INSERT INTO orders VALUES (1, 9.5)");
      s.execute("ROLLBACK");
      assertThat(log()).isEmpty();

      s.execute("BEGIN");
      s.execute("INSERT INTO orders VALUES (2, 3.0)");
      s.execute("SAVEPOINT sp");
      s.execute("INSERT INTO orders VALUES (3, 4.0)");
      s.execute("ROLLBACK TO sp");
      s.execute("SELECT pg_notify('audit.login', 'alice')");
      s.execute("SELECT pg_notify('plain', 'not logged')");
      s.execute("COMMIT");

      List<Map<String, Object>> rows = log();
      assertThat(rows).extracting(r -> r.get("channel")).containsExactly("orders", "audit.login");
      assertThat(rows.get(0).get("payload")).isEqualTo("{\"id\":2}");
      assertThat(rows.get(0).get("sender_pid")).isEqualTo(c.getBackendPID());
      Notification n = live.poll(Duration.ofSeconds(5));
      assertThat(n.payload()).isEqualTo("{\"id\":2}");
      assertThat(n.id()).isEqualTo(((Number) rows.get(0).get("id")).longValue());
      assertThat(live.poll()).isNull();
    }
  }

  @Test
  void aFailedStatementInsideATransactionLeavesNoLogRow() throws Exception {
    try (HeliosConnection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("BEGIN");
      s.execute("SELECT pg_notify('orders', 'kept')");
      assertThatThrownBy(
              () ->
                  s.execute("SELECT pg_notify('orders', 'failed'), abs(-9223372036854775807 - 1)"))
          .isInstanceOf(SQLException.class);
      s.execute("COMMIT");
    }
    assertThat(log()).extracting(r -> r.get("payload")).containsExactly("kept");
  }

  @Test
  void failedAutocommitStatementsLeaveNoLogRowAndDeliverNothing() throws Exception {
    try (Subscription live = db.pubsub().subscribe("orders");
        HeliosConnection c = db.connection();
        Statement s = c.createStatement()) {
      // A read-only statement: SQLite commits the nested log insert by itself, before the failure.
      assertThatThrownBy(
              () ->
                  s.execute("SELECT pg_notify('orders', 'select'), abs(-9223372036854775807 - 1)"))
          .isInstanceOf(SQLException.class);
      // A writing statement: the log row rolls back with it.
      s.execute("INSERT INTO orders VALUES (1, 1.0)");
      assertThatThrownBy(() -> s.execute("INSERT INTO orders VALUES (2, 2.0), (1, 3.0)"))
          .isInstanceOf(SQLException.class);
      s.execute("NOTIFY orders, 'after'");
      assertThat(take(live, 2))
          .extracting(Notification::payload)
          .containsExactly("{\"id\":1}", "after");
      assertThat(live.poll()).isNull();
    }
    assertThat(log()).extracting(r -> r.get("payload")).containsExactly("{\"id\":1}", "after");
  }

  @Test
  void durableNotificationsAreNotDeduplicatedAndIdsFollowCommitOrder() throws Exception {
    try (Subscription live = db.pubsub().subscribe("orders");
        HeliosConnection a = db.connection();
        HeliosConnection b = db.connection();
        Statement sa = a.createStatement();
        Statement sb = b.createStatement()) {
      sa.execute("BEGIN");
      sa.execute("NOTIFY orders, 'same'");
      sa.execute("NOTIFY orders, 'same'");
      sa.execute("COMMIT");
      sb.execute("NOTIFY orders, 'b'");
      db.pubsub().notify("orders", "api");
      List<Notification> got = take(live, 4);
      assertThat(got).extracting(Notification::payload).containsExactly("same", "same", "b", "api");
      assertThat(got).extracting(Notification::id).isSorted().doesNotHaveDuplicates();
      assertThat(log()).hasSize(4);
    }
  }

  @Test
  void resumeReplaysAfterTheIdThenGoesLive() throws Exception {
    for (int i = 1; i <= 5; i++) {
      db.pubsub().notify("orders", "n" + i);
    }
    try (Subscription sub = db.pubsub().subscribe(SubscribeOptions.channels("orders").fromId(2))) {
      assertThat(take(sub, 3)).extracting(Notification::payload).containsExactly("n3", "n4", "n5");
      db.pubsub().notify("orders", "n6");
      Notification live = sub.poll(Duration.ofSeconds(5));
      assertThat(live.payload()).isEqualTo("n6");
      assertThat(live.id()).isEqualTo(6);
      assertThat(sub.poll()).isNull();
    }
  }

  @Test
  void resumeWithAPushListenerReplaysThenGoesLive() throws Exception {
    for (int i = 1; i <= 3; i++) {
      db.pubsub().notify("orders", "n" + i);
    }
    java.util.concurrent.BlockingQueue<String> got =
        new java.util.concurrent.LinkedBlockingQueue<>();
    java.util.concurrent.ExecutorService executor =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    try (Subscription sub =
        db.pubsub()
            .subscribe(
                SubscribeOptions.channels("orders").fromId(1),
                executor,
                n -> got.add(n.id() + ":" + n.payload()))) {
      db.pubsub().notify("orders", "n4");
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        seen.add(got.poll(5, java.util.concurrent.TimeUnit.SECONDS));
      }
      assertThat(seen).containsExactly("2:n2", "3:n3", "4:n4");
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void resumeWhilePublishingHasNoGapAndNoDuplicate() throws Exception {
    int total = 3000;
    Thread publisher =
        new Thread(
            () -> {
              for (int i = 1; i <= total; i++) {
                db.pubsub().notify("orders", Integer.toString(i));
              }
            });
    publisher.start();
    try (Subscription sub = db.pubsub().subscribe(SubscribeOptions.channels("orders").fromId(0))) {
      List<Notification> got = take(sub, total);
      assertThat(got)
          .extracting(Notification::payload)
          .containsExactlyElementsOf(
              java.util.stream.IntStream.rangeClosed(1, total)
                  .mapToObj(Integer::toString)
                  .toList());
      publisher.join(10_000);
      assertThat(sub.poll()).isNull();
    }
  }

  @Test
  void anOverflowOfTheLiveQueueIsRepairedFromTheLog() throws Exception {
    db.close();
    db = open(HeliosConfig.builder().notificationQueueSize(8));
    try (Subscription sub = db.pubsub().subscribe(SubscribeOptions.channels("orders").fromId(0))) {
      assertThat(sub.poll()).isNull();
      for (int i = 1; i <= 100; i++) {
        db.pubsub().notify("orders", Integer.toString(i));
      }
      List<Notification> got = take(sub, 100);
      assertThat(got).noneMatch(Notification::isOverflow);
      assertThat(got)
          .extracting(Notification::id)
          .containsExactlyElementsOf(
              java.util.stream.LongStream.rangeClosed(1, 100).boxed().toList());
      assertThat(sub.poll()).isNull();
    }
  }

  @Test
  void retentionKeepsTheNewestAndAnOlderIdGetsAResetMarker() throws Exception {
    db.close();
    db = open(HeliosConfig.builder().retentionMaxCount(3));
    for (int i = 1; i <= 10; i++) {
      db.pubsub().notify("orders", "n" + i);
    }
    assertThat(db.pruneDurableLog()).isEqualTo(7);
    assertThat(log()).extracting(r -> r.get("payload")).containsExactly("n8", "n9", "n10");
    try (Subscription sub = db.pubsub().subscribe(SubscribeOptions.channels("orders").fromId(2))) {
      List<Notification> got = take(sub, 4);
      assertThat(got.get(0).isReset()).isTrue();
      assertThat(got.get(0).id()).isEqualTo(7);
      assertThat(got.subList(1, 4))
          .extracting(Notification::payload)
          .containsExactly("n8", "n9", "n10");
    }
    try (Subscription sub = db.pubsub().subscribe(SubscribeOptions.channels("orders").fromId(7))) {
      assertThat(take(sub, 3)).extracting(Notification::payload).containsExactly("n8", "n9", "n10");
    }
  }

  @Test
  void retentionReportsTheLogToMetrics() throws Exception {
    db.close();
    DefaultMetrics metrics = new DefaultMetrics();
    db = open(HeliosConfig.builder().retentionMaxCount(2).metrics(metrics));
    for (int i = 1; i <= 5; i++) {
      db.pubsub().notify("orders", "n" + i);
    }
    db.pruneDurableLog();
    assertThat(metrics.durableLogRetained()).isEqualTo(2);
    assertThat(metrics.durableLogOldestId()).isEqualTo(4);
    assertThat(metrics.durableLogNewestId()).isEqualTo(5);
  }

  @Test
  void retentionByAgeAndAFutureIdGetsAReset() throws Exception {
    for (int i = 1; i <= 4; i++) {
      db.pubsub().notify("orders", "n" + i);
    }
    db.execute(
        "UPDATE heliosdb_notifications SET committed_at = '2000-01-01T00:00:00.000Z' WHERE id <= 3");
    assertThat(db.pruneDurableLog()).isEqualTo(3);
    assertThat(log()).extracting(r -> r.get("payload")).containsExactly("n4");
    try (Subscription sub = db.pubsub().subscribe(SubscribeOptions.channels("orders").fromId(99))) {
      Notification reset = sub.poll(Duration.ofSeconds(5));
      assertThat(reset.isReset()).isTrue();
      assertThat(reset.id()).isEqualTo(4);
      assertThat(sub.poll()).isNull();
    }
  }

  @Test
  void resumeRejectsNegativeIdsAndNonDurableChannels() {
    assertThatThrownBy(() -> SubscribeOptions.channels("orders").fromId(-1))
        .isInstanceOfSatisfying(
            HeliosException.class, e -> assertThat(e.sqlState()).isEqualTo("22023"));
    assertThatThrownBy(
            () -> db.pubsub().subscribe(SubscribeOptions.channels("orders", "plain").fromId(0)))
        .isInstanceOfSatisfying(
            HeliosException.class, e -> assertThat(e.sqlState()).isEqualTo("22023"))
        .hasMessageContaining("\"plain\" is not durable");
  }

  @Test
  void aSecondHandleInheritsTheDurableChannelsOrMustAskForTheSame() throws Exception {
    try (HeliosDB plain = HeliosDB.open(dir.resolve("durable.db"));
        Subscription live = db.pubsub().subscribe("orders")) {
      plain.pubsub().notify("orders", "via a handle without durable settings");
      assertThat(live.poll(Duration.ofSeconds(5)).id()).isEqualTo(1);
      assertThat(log()).hasSize(1);
    }
    assertThatThrownBy(
            () ->
                HeliosDB.open(
                    HeliosConfig.builder()
                        .path(dir.resolve("durable.db"))
                        .durableChannels("other")
                        .build()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("already open in this process");
  }

  @Test
  void configuration() throws Exception {
    Path toml = dir.resolve("heliosdb.toml");
    Files.writeString(
        toml,
        "[pubsub]\ndurable_channels = [\"orders\", \"audit.*\", \"job-?\"]\n"
            + "retention_max_count = 500\nretention_max_age = \"12h\"\n");
    HeliosConfig c = HeliosConfig.load(toml);
    assertThat(c.durableChannels().matches("orders")).isTrue();
    assertThat(c.durableChannels().matches("audit.login")).isTrue();
    assertThat(c.durableChannels().matches("audit")).isFalse();
    assertThat(c.durableChannels().matches("job-1")).isTrue();
    assertThat(c.durableChannels().matches("job-12")).isFalse();
    assertThat(c.durableChannels().matches("Orders")).isFalse();
    assertThat(c.retentionMaxCount()).isEqualTo(500);
    assertThat(c.retentionMaxAge()).isEqualTo(Duration.ofHours(12));

    Files.writeString(toml, "[pubsub]\nretention_max_age = \"soon\"\n");
    assertThatThrownBy(() -> HeliosConfig.load(toml))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(":2:")
        .hasMessageContaining("not a duration");
    Files.writeString(toml, "[pubsub]\nretention_max_count = 0\n");
    assertThatThrownBy(() -> HeliosConfig.load(toml))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("retention_max_count = 0");
    Files.writeString(toml, "[pubsub]\ndurable_channels = \"orders\"\n");
    assertThatThrownBy(() -> HeliosConfig.load(toml))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("array of strings");
  }
}
