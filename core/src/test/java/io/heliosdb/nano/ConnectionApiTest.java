package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The parts of {@link HeliosConnection} beyond pgjdbc's: arrival signal, transaction state. */
class ConnectionApiTest {

  @Test
  void arrivalSignalRunsAfterCommitOnlyAndTheNotificationIsThereToPoll() throws Exception {
    try (HeliosDB db = HeliosDB.inMemory();
        HeliosConnection listener = db.connection();
        HeliosConnection sender = db.connection();
        Statement ls = listener.createStatement();
        Statement ss = sender.createStatement()) {
      AtomicInteger signals = new AtomicInteger();
      listener.onNotification(signals::incrementAndGet);
      ls.execute("LISTEN jobs");

      ss.execute("BEGIN");
      ss.execute("NOTIFY jobs, 'rolled back'");
      ss.execute("ROLLBACK");
      ss.execute("BEGIN");
      ss.execute("NOTIFY jobs, 'one'");
      assertThat(signals.get()).isZero();
      ss.execute("COMMIT");

      await().atMost(Duration.ofSeconds(5)).until(() -> signals.get() == 1);
      Notification[] got = listener.getNotifications();
      assertThat(got).extracting(Notification::payload).containsExactly("one");

      listener.onNotification(null);
      ss.execute("NOTIFY jobs, 'two'");
      assertThat(listener.getNotifications(5_000))
          .extracting(Notification::payload)
          .containsExactly("two");
      assertThat(signals.get()).isEqualTo(1);
    }
  }

  @Test
  void signalRegisteredBeforeTheFirstListenStillApplies() throws Exception {
    try (HeliosDB db = HeliosDB.inMemory();
        HeliosConnection c = db.connection();
        Statement s = c.createStatement()) {
      AtomicInteger signals = new AtomicInteger();
      c.onNotification(signals::incrementAndGet);
      s.execute("LISTEN a");
      s.execute("NOTIFY a");
      assertThat(signals.get()).isEqualTo(1); // own notification: signalled on this thread
    }
  }

  @Test
  void inTransactionFollowsBeginCommitSavepointAndAutoCommit() throws Exception {
    try (HeliosDB db = HeliosDB.inMemory();
        HeliosConnection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t(x)");
      assertThat(c.inTransaction()).isFalse();
      s.execute("BEGIN");
      assertThat(c.inTransaction()).isTrue();
      s.execute("INSERT INTO t VALUES (1)");
      s.execute("COMMIT");
      assertThat(c.inTransaction()).isFalse();
      s.execute("SAVEPOINT a");
      assertThat(c.inTransaction()).isTrue();
      s.execute("RELEASE a");
      assertThat(c.inTransaction()).isFalse();
      c.setAutoCommit(false);
      assertThat(c.inTransaction()).isTrue();
      c.commit();
      c.setAutoCommit(true);
      assertThat(c.inTransaction()).isFalse();
      assertThat(db.query("SELECT count(*) AS n FROM t").get(0).get("n")).isEqualTo(1);
    }
  }
}
