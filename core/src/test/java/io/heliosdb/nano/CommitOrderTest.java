package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.config.HeliosConfig;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Notifications from many threads and connections arrive in the order their rows committed. */
class CommitOrderTest {
  @TempDir Path dir;

  @Test
  void fourWritersDeliverInGlobalCommitOrder() throws Exception {
    int writers = 4;
    int perWriter = 500;
    HeliosConfig config =
        HeliosConfig.builder().path(dir.resolve("order.db")).busyTimeoutMs(30_000).build();
    try (HeliosDB db = HeliosDB.open(config);
        Subscription sub = db.pubsub().subscribe("seq")) {
      // The row id records commit order: a counter row updated in the same transaction.
      db.execute("CREATE TABLE counter(n INTEGER)");
      db.execute("INSERT INTO counter VALUES (0)");
      db.execute(
          "CREATE TABLE events(id INTEGER PRIMARY KEY, n INTEGER); "
              + "CREATE TRIGGER ev AFTER INSERT ON events BEGIN "
              + "SELECT pg_notify('seq', NEW.n); END");
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        done.add(
            pool.submit(
                () -> {
                  try (HeliosConnection c = db.connection();
                      Statement s = c.createStatement();
                      PreparedStatement ins =
                          c.prepareStatement("INSERT INTO events(n) SELECT n FROM counter")) {
                    for (int i = 0; i < perWriter; i++) {
                      s.execute("BEGIN IMMEDIATE");
                      s.execute("UPDATE counter SET n = n + 1");
                      ins.executeUpdate();
                      s.execute("COMMIT");
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
      List<Integer> got = new ArrayList<>();
      for (int i = 0; i < writers * perWriter; i++) {
        Notification n = sub.poll(Duration.ofSeconds(10));
        assertThat(n).as("notification %d", i).isNotNull();
        got.add(Integer.parseInt(n.payload()));
      }
      List<Integer> expected = new ArrayList<>();
      for (int i = 1; i <= writers * perWriter; i++) {
        expected.add(i);
      }
      assertThat(got).isEqualTo(expected);
      assertThat(sub.poll()).isNull();
    }
  }
}
