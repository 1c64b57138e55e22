package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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

  @Test
  void cancelFromAnotherThreadStopsTheRunningStatementWithoutWaitingForIt() throws Exception {
    try (HeliosDB db = HeliosDB.inMemory();
        HeliosConnection c = db.connection();
        Statement s = c.createStatement()) {
      CompletableFuture<Object> endless =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return s.execute(
                      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)"
                          + " SELECT count(*) FROM n");
                } catch (SQLException e) {
                  return e;
                }
              });
      // An interrupt before the statement starts is lost: repeat until it has stopped.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                s.cancel();
                return endless.isDone();
              });
      Object outcome;
      try {
        outcome = endless.get();
      } catch (ExecutionException e) {
        outcome = e.getCause();
      }
      assertThat(outcome).isInstanceOf(SQLException.class);
      assertThat(((SQLException) outcome).getSQLState()).isEqualTo("57014");
      assertThat(s.execute("SELECT 1")).isTrue();
    }
  }
}
