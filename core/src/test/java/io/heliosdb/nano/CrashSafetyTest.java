package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.config.HeliosConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a process in the middle of a stream of transactional inserts whose triggers send
 * durable notifications, 20 times: after each restart every committed row has its notification in
 * the log and no rolled-back row has one, and a subscriber resuming from the last id it saw gets
 * exactly the new ones, once each, in order.
 */
class CrashSafetyTest {
  @TempDir Path dir;

  @Test
  void killDashNineLosesNoCommittedNotificationAndInventsNone() throws Exception {
    Path file = dir.resolve("crash.db");
    HeliosConfig config = HeliosConfig.builder().path(file).durableChannels("orders").build();
    try (HeliosDB db = HeliosDB.open(config)) {
      db.execute("CREATE TABLE orders(id INTEGER PRIMARY KEY AUTOINCREMENT, v INTEGER)");
      db.execute(
          "CREATE TRIGGER orders_notify AFTER INSERT ON orders BEGIN "
              + "SELECT pg_notify('orders', NEW.id); END");
    }
    Random random = new Random(42);
    long lastSeenId = 0;
    long nextTransaction = 1;
    int delivered = 0;
    for (int round = 0; round < 20; round++) {
      long lastCommitted = runAndKill(file, nextTransaction, 1 + random.nextInt(40));
      nextTransaction = lastCommitted + 10; // transaction numbers only label rows

      try (HeliosDB db = HeliosDB.open(config)) {
        TreeSet<Long> rowIds = ids(db, "SELECT id FROM orders");
        TreeSet<Long> notified =
            ids(db, "SELECT CAST(payload AS INTEGER) FROM heliosdb_notifications");
        assertThat(notified)
            .as("round %d: notifications = committed rows", round)
            .isEqualTo(rowIds);
        assertThat(ids(db, "SELECT v FROM orders"))
            .as("round %d: no rolled-back transaction left rows", round)
            .allMatch(v -> v % 3 != 0);

        List<Long> resumed = new ArrayList<>();
        try (Subscription sub =
            db.pubsub().subscribe(SubscribeOptions.channels("orders").fromId(lastSeenId))) {
          for (Notification n = sub.poll(); n != null; n = sub.poll()) {
            assertThat(n.isReset()).isFalse();
            resumed.add(n.id());
          }
        }
        List<Long> expected =
            new ArrayList<>(
                ids(db, "SELECT id FROM heliosdb_notifications WHERE id > " + lastSeenId));
        assertThat(resumed).as("round %d: resume after %d", round, lastSeenId).isEqualTo(expected);
        delivered += resumed.size();
        if (!resumed.isEmpty()) {
          lastSeenId = resumed.get(resumed.size() - 1);
        }
      }
    }
    assertThat(delivered).as("the writer made progress").isGreaterThan(20);
  }

  /** Starts a writer, waits for {@code commits} commits, kills it with SIGKILL; last committed. */
  private long runAndKill(Path file, long start, int commits) throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashWriter.class.getName(),
                file.toString(),
                Long.toString(start))
            .redirectErrorStream(false)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    long last = start - 1;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (int i = 0; i < commits; i++) {
        String line = out.readLine();
        if (line == null) {
          break;
        }
        last = Long.parseLong(line.trim());
      }
      p.destroyForcibly(); // SIGKILL: no shutdown hook, no close
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    return last;
  }

  private static TreeSet<Long> ids(HeliosDB db, String sql) {
    TreeSet<Long> out = new TreeSet<>();
    db.query(sql).forEach(r -> out.add(((Number) r.values().iterator().next()).longValue()));
    return out;
  }
}
