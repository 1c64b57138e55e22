package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.metrics.DefaultMetrics;
import io.heliosdb.nano.metrics.MetricsTracker.DropReason;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java publish/subscribe API: the quick start, push listeners, overflow, clean-up. */
class PubSubApiTest {
  @TempDir Path dir;

  @Test
  void quickStartFromTheReadme() throws Exception {
    try (HeliosDB db = HeliosDB.open(dir.resolve("shop.db"))) {
      db.execute(
          "CREATE TABLE IF NOT EXISTS orders(id INTEGER PRIMARY KEY AUTOINCREMENT, amount REAL, "
              + "ts TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))");
      db.execute(
          "CREATE TRIGGER IF NOT EXISTS orders_notify AFTER INSERT ON orders BEGIN "
              + "SELECT pg_notify('orders', json_object('id', NEW.id, 'amount', NEW.amount)); END");
      try (Subscription sub = db.pubsub().subscribe("orders")) {
        db.execute("INSERT INTO orders(amount) VALUES (?)", 9.99);
        Notification n = sub.poll(Duration.ofSeconds(1));
        assertThat(n).isNotNull();
        assertThat(n.channel()).isEqualTo("orders");
        assertThat(n.payload()).isEqualTo("{\"id\":1,\"amount\":9.99}");
        assertThat(n.senderPid()).isPositive();
        assertThat(n.sequence()).isEqualTo(1);
      }
    }
  }

  @Test
  void walIsTheDefaultForFiles() {
    try (HeliosDB db = HeliosDB.open(dir.resolve("wal.db"))) {
      assertThat(db.query("PRAGMA journal_mode").get(0).get("journal_mode")).isEqualTo("wal");
    }
  }

  @Test
  void pushListenerRunsOnTheGivenExecutorInOrder() throws Exception {
    ExecutorService exec = Executors.newSingleThreadExecutor(r -> new Thread(r, "user-exec"));
    List<String> got = new CopyOnWriteArrayList<>();
    AtomicReference<String> thread = new AtomicReference<>();
    try (HeliosDB db = HeliosDB.inMemory();
        Subscription sub =
            db.pubsub()
                .subscribe(
                    List.of("a"),
                    exec,
                    n -> {
                      thread.set(Thread.currentThread().getName());
                      got.add(n.payload());
                    })) {
      for (int i = 0; i < 100; i++) {
        db.pubsub().notify("a", "n" + i);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 100);
      assertThat(got).startsWith("n0", "n1").endsWith("n99");
      assertThat(thread.get()).isEqualTo("user-exec");
    } finally {
      exec.shutdownNow();
    }
  }

  @Test
  void notifyOnAConnectionInsideATransactionWaitsForCommit() throws Exception {
    try (HeliosDB db = HeliosDB.inMemory();
        Subscription sub = db.pubsub().subscribe("tx");
        HeliosConnection c = db.connection()) {
      c.setAutoCommit(false);
      c.notify("tx", "first");
      assertThat(sub.poll()).isNull();
      c.rollback();
      c.notify("tx", "second");
      c.commit();
      assertThat(sub.poll(Duration.ofSeconds(5)).payload()).isEqualTo("second");
      assertThat(sub.poll()).isNull();
    }
  }

  @Test
  void fullQueueDropsNewestAndReportsOverflowInBandAndInMetrics() throws Exception {
    DefaultMetrics metrics = new DefaultMetrics();
    HeliosConfig config =
        HeliosConfig.builder().inMemory().notificationQueueSize(3).metrics(metrics).build();
    try (HeliosDB db = HeliosDB.open(config);
        Subscription sub = db.pubsub().subscribe("o")) {
      for (int i = 1; i <= 10; i++) {
        db.pubsub().notify("o", "m" + i);
      }
      assertThat(sub.poll().payload()).isEqualTo("m1");
      assertThat(sub.poll().payload()).isEqualTo("m2");
      assertThat(sub.poll().payload()).isEqualTo("m3");
      Notification marker = sub.poll();
      assertThat(marker.isOverflow()).isTrue();
      assertThat(marker.droppedCount()).isEqualTo(7);
      assertThat(sub.poll()).isNull();
      db.pubsub().notify("o", "m11");
      assertThat(sub.poll().payload()).isEqualTo("m11");
      assertThat(metrics.dropped(DropReason.QUEUE_FULL)).isEqualTo(7);
      assertThat(metrics.sent()).isEqualTo(11);
      assertThat(metrics.delivered()).isEqualTo(4);
      assertThat(metrics.activeSubscriptions()).isEqualTo(1);
      assertThat(metrics.activeChannels()).isEqualTo(1);
    }
  }

  /**
   * notification_queue_bytes: a subscriber that reads nothing holds at most its bytes of large
   * notifications, then reads an overflow marker with the exact count; a push listener beside it,
   * which keeps up, loses nothing.
   */
  @Test
  void aQueueFullInBytesDropsAndReportsWhileAListenerThatKeepsUpGetsEverything() throws Exception {
    DefaultMetrics metrics = new DefaultMetrics();
    HeliosConfig config =
        HeliosConfig.builder()
            .inMemory()
            .notificationQueueBytes(64 * 1024)
            .metrics(metrics)
            .build();
    String payload = "p".repeat(7000); // 14 KB counted: four fit in 64 KiB
    List<String> fast = new CopyOnWriteArrayList<>();
    try (HeliosDB db = HeliosDB.open(config);
        Subscription slow = db.pubsub().subscribe("big");
        Subscription pushed =
            db.pubsub().subscribe(List.of("big"), Runnable::run, n -> fast.add(n.payload()))) {
      for (int i = 0; i < 100; i++) {
        db.pubsub().notify("big", i + payload);
      }
      assertThat(slow.isOverflowing()).isTrue();
      int kept = slow.queued();
      assertThat(kept).isEqualTo(4);
      for (int i = 0; i < kept; i++) {
        assertThat(slow.poll().payload()).isEqualTo(i + payload);
      }
      Notification marker = slow.poll();
      assertThat(marker.isOverflow()).isTrue();
      assertThat(marker.droppedCount()).isEqualTo(100 - kept);
      assertThat(slow.poll()).isNull();
      assertThat(metrics.dropped(DropReason.QUEUE_BYTES)).isEqualTo(100 - kept);
      assertThat(metrics.dropped(DropReason.QUEUE_FULL)).isZero();

      assertThat(fast).hasSize(100);
      for (int i = 0; i < 100; i++) {
        assertThat(fast.get(i)).isEqualTo(i + payload);
      }
    }
  }

  @Test
  void markerStandsWhereTheGapIs() throws Exception {
    try (HeliosDB db =
            HeliosDB.open(HeliosConfig.builder().inMemory().notificationQueueSize(2).build());
        Subscription sub = db.pubsub().subscribe("o")) {
      db.pubsub().notify("o", "1");
      db.pubsub().notify("o", "2");
      db.pubsub().notify("o", "3"); // dropped
      assertThat(sub.poll().payload()).isEqualTo("1");
      db.pubsub().notify("o", "4"); // marker takes the free slot, 4 is dropped too
      assertThat(sub.poll().payload()).isEqualTo("2");
      assertThat(sub.poll().droppedCount()).isEqualTo(2);
      db.pubsub().notify("o", "5");
      assertThat(sub.poll().payload()).isEqualTo("5");
    }
  }

  @Test
  void unreachableSubscriptionIsCleanedUp() throws Exception {
    try (HeliosDB db =
        HeliosDB.open(HeliosConfig.builder().inMemory().metricsEnabled(true).build())) {
      DefaultMetrics metrics = (DefaultMetrics) db.config().metrics();
      WeakReference<Subscription> ref = new WeakReference<>(db.pubsub().subscribe("gone"));
      assertThat(metrics.activeSubscriptions()).isEqualTo(1);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                System.gc();
                return ref.get() == null && metrics.activeSubscriptions() == 0;
              });
      assertThat(metrics.activeChannels()).isZero();
    }
  }

  @Test
  void aWaitingPollerIsWokenForEveryHandOver() throws Exception {
    // Ping-pong: each notification is sent while the other thread waits on an empty queue, so
    // a single lost wake-up shows as a poll that times out.
    try (HeliosDB db = HeliosDB.inMemory();
        Subscription ping = db.pubsub().subscribe("ping");
        Subscription pong = db.pubsub().subscribe("pong")) {
      int rounds = 20_000;
      Thread echo =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < rounds; i++) {
                    Notification n = ping.poll(Duration.ofSeconds(10));
                    db.pubsub().notify("pong", n == null ? "lost" : n.payload());
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      echo.start();
      for (int i = 0; i < rounds; i++) {
        db.pubsub().notify("ping", Integer.toString(i));
        Notification back = pong.poll(Duration.ofSeconds(10));
        assertThat(back).as("round %d", i).isNotNull();
        assertThat(back.payload()).isEqualTo(Integer.toString(i));
      }
      echo.join(10_000);
    }
  }

  @Test
  void takeReturnsNullWhenClosedFromAnotherThread() throws Exception {
    try (HeliosDB db = HeliosDB.inMemory()) {
      Subscription sub = db.pubsub().subscribe("x");
      AtomicReference<Object> result = new AtomicReference<>("pending");
      Thread t =
          new Thread(
              () -> {
                try {
                  result.set(sub.take());
                } catch (InterruptedException e) {
                  result.set(e);
                }
              });
      t.start();
      sub.close();
      t.join(10_000);
      assertThat(result.get()).isNull();
    }
  }

  @Test
  void channelsAreListedAndChangeable() {
    try (HeliosDB db = HeliosDB.inMemory();
        Subscription sub = db.pubsub().subscribe("b", "a")) {
      assertThat(sub.channels()).containsExactly("a", "b");
      sub.listen("c");
      sub.unlisten("a");
      assertThat(sub.channels()).containsExactly("b", "c");
    }
  }

  @Test
  void sqlNotifyInOneConnectionReachesListenerOfAnother() throws Exception {
    try (HeliosDB db = HeliosDB.open(dir.resolve("two.db"));
        HeliosConnection a = db.connection();
        HeliosConnection b = db.connection();
        Statement sa = a.createStatement();
        Statement sb = b.createStatement()) {
      sa.execute("LISTEN news");
      sb.execute("NOTIFY news, 'from b'");
      Notification[] n = a.getNotifications(5000);
      assertThat(n).extracting(Notification::payload).containsExactly("from b");
      assertThat(n[0].senderPid()).isEqualTo(b.getBackendPID()).isNotEqualTo(a.getBackendPID());
    }
  }

  @Test
  void closedDatabaseRejectsNotifyWith08003() {
    HeliosDB db = HeliosDB.inMemory();
    db.close();
    assertThatThrownBy(() -> db.pubsub().notify("a", "b"))
        .isInstanceOfSatisfying(
            HeliosException.class, e -> assertThat(e.sqlState()).isEqualTo("08003"));
    assertThatThrownBy(() -> db.execute("SELECT 1"))
        .isInstanceOfSatisfying(
            HeliosException.class, e -> assertThat(e.sqlState()).isEqualTo("08003"));
  }

  @Test
  void closingTheDatabaseWakesSubscribers() throws Exception {
    HeliosDB db = HeliosDB.inMemory();
    Subscription sub = db.pubsub().subscribe("x");
    db.close();
    assertThat(sub.poll(Duration.ofSeconds(5))).isNull();
    assertThat(sub.isClosed()).isTrue();
  }

  @Test
  void aSubscriptionWithItsOwnQueueSizeOverflowsThereAndSignalsArrivals() throws Exception {
    try (HeliosDB db = HeliosDB.inMemory();
        Subscription small = db.pubsub().subscribe(SubscribeOptions.channels("c").queueSize(3));
        Subscription usual = db.pubsub().subscribe("c")) {
      java.util.concurrent.atomic.AtomicInteger signals =
          new java.util.concurrent.atomic.AtomicInteger();
      small.onNotification(signals::incrementAndGet);
      for (int i = 0; i < 5; i++) {
        db.pubsub().notify("c", "m" + i);
      }
      assertThat(signals.get()).as("one per notification, dropped ones too").isEqualTo(5);
      assertThat(small.queued()).isEqualTo(3);
      assertThat(usual.queued()).isEqualTo(5);
      assertThat(small.poll().payload()).isEqualTo("m0");
      assertThat(small.poll().payload()).isEqualTo("m1");
      assertThat(small.poll().payload()).isEqualTo("m2");
      Notification marker = small.poll();
      assertThat(marker.isOverflow()).isTrue();
      assertThat(marker.droppedCount()).isEqualTo(2);
      small.onNotification(null);
      db.pubsub().notify("c", "m5");
      assertThat(signals.get()).isEqualTo(5);
      assertThat(small.poll().payload()).isEqualTo("m5");
    }
    assertThatThrownBy(() -> SubscribeOptions.channels("c").queueSize(0))
        .hasMessageContaining("queueSize must be at least 1");
  }
}
