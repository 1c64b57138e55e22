package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.HeliosDB;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Every scenario of pgjdbc's own notification tests ({@code
 * pgjdbc/src/test/java/org/postgresql/test/jdbc2/NotifyTest.java}, pgjdbc master, 2025), ported to
 * run against our server on 127.0.0.1, port 0, with the real pgjdbc driver: same scenarios, same
 * expectations. Where the original sleeps before sending ("messages sent after" the listener
 * started waiting, "socket that becomes closed"), the other thread here waits, with Awaitility,
 * until the listening thread is inside {@code getNotifications}, and then acts. The timeout
 * scenario keeps the original's check that the call did wait (a lower bound, never an upper one).
 */
class PgJdbcNotifyScenariosTest {
  @TempDir Path dir;
  private WireServer server;
  private Connection conn;

  @BeforeEach
  void setUp() throws Exception {
    server =
        WireServer.start(HeliosDB.open(dir.resolve("notify.db")), WireServer.Options.loopback(0));
    conn = openDB();
  }

  @AfterEach
  void tearDown() throws SQLException {
    conn.close();
    server.close();
  }

  private Connection openDB() throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + server.port() + "/test", "test", "");
  }

  private PGConnection pg() throws SQLException {
    return conn.unwrap(PGConnection.class);
  }

  /** NOTIFY from a second connection, which then closes (the original's connectAndNotify). */
  private void connectAndNotify(String channel) {
    try (Connection other = openDB();
        Statement s = other.createStatement()) {
      s.executeUpdate("NOTIFY " + channel);
    } catch (SQLException e) {
      throw new IllegalStateException("could not notify " + channel, e);
    }
  }

  /** Runs {@code action} on another thread once {@code waiter} is inside getNotifications. */
  private static CompletableFuture<Void> onceWaiting(Thread waiter, Runnable action) {
    return CompletableFuture.runAsync(
        () -> {
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () ->
                      Arrays.stream(waiter.getStackTrace())
                          .anyMatch(f -> f.getMethodName().equals("getNotifications")));
          action.run();
        });
  }

  private static void assertOneEmptyNotification(PGNotification[] notifications) {
    assertThat(notifications).isNotNull().hasSize(1);
    assertThat(notifications[0].getName()).isEqualTo("mynotification");
    assertThat(notifications[0].getParameter()).isEmpty();
  }

  @Test
  void noNotifications() throws SQLException {
    PGNotification[] notifications = pg().getNotifications();
    assertThat(notifications).isNotNull().isEmpty();
  }

  @Test
  void notifyOwnSessionArrivesWithTheStatement() throws SQLException {
    try (Statement stmt = conn.createStatement()) {
      stmt.executeUpdate("LISTEN mynotification");
      stmt.executeUpdate("NOTIFY mynotification");
      assertOneEmptyNotification(pg().getNotifications());
    }
  }

  @Test
  void notifyArgumentIsThePayload() throws SQLException {
    try (Statement stmt = conn.createStatement()) {
      stmt.executeUpdate("LISTEN mynotification");
      stmt.executeUpdate("NOTIFY mynotification, 'message'");
      PGNotification[] notifications = pg().getNotifications();
      assertThat(notifications).hasSize(1);
      assertThat(notifications[0].getName()).isEqualTo("mynotification");
      assertThat(notifications[0].getParameter()).isEqualTo("message");
    }
  }

  @Test
  void asyncNotifyFromAnotherConnectionIsPolled() throws Exception {
    try (Statement stmt = conn.createStatement()) {
      stmt.executeUpdate("LISTEN mynotification");
      connectAndNotify("mynotification");
      // The original polls getNotifications() every 10 ms, up to 30 s: the same with Awaitility.
      PGNotification[][] got = new PGNotification[1][];
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(10))
          .until(() -> (got[0] = pg().getNotifications()).length > 0);
      assertOneEmptyNotification(got[0]);
    }
  }

  @Test
  void asyncNotifyWithTimeoutReturnsNothingAfterWaiting() throws Exception {
    try (Statement stmt = conn.createStatement()) {
      stmt.executeUpdate("LISTEN mynotification");
      long start = System.nanoTime();
      PGNotification[] notifications = pg().getNotifications(500);
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(notifications).isEmpty();
      // As in the original: the call waited for its timeout (a lower bound only).
      assertThat(waited).isGreaterThan(450);
    }
  }

  @Test
  void asyncNotifyWithTimeoutAndMessagesAvailableWhenStartingListening() throws Exception {
    try (Statement stmt = conn.createStatement()) {
      stmt.executeUpdate("LISTEN mynotification");
      connectAndNotify("mynotification");
      assertOneEmptyNotification(pg().getNotifications(10_000));
    }
  }

  @Test
  void asyncNotifyWithEndlessTimeoutAndMessagesAvailableWhenStartingListening() throws Exception {
    try (Statement stmt = conn.createStatement()) {
      stmt.executeUpdate("LISTEN mynotification");
      connectAndNotify("mynotification");
      assertOneEmptyNotification(pg().getNotifications(0));
    }
  }

  @Test
  void asyncNotifyWithTimeoutAndMessagesSendAfter() throws Exception {
    try (Statement stmt = conn.createStatement()) {
      stmt.executeUpdate("LISTEN mynotification");
      CompletableFuture<Void> sender =
          onceWaiting(Thread.currentThread(), () -> connectAndNotify("mynotification"));
      assertOneEmptyNotification(pg().getNotifications(10_000));
      sender.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void asyncNotifyWithEndlessTimeoutAndMessagesSendAfter() throws Exception {
    try (Statement stmt = conn.createStatement()) {
      stmt.executeUpdate("LISTEN mynotification");
      CompletableFuture<Void> sender =
          onceWaiting(Thread.currentThread(), () -> connectAndNotify("mynotification"));
      assertOneEmptyNotification(pg().getNotifications(0));
      sender.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void asyncNotifyWithTimeoutAndSocketThatBecomesClosed() throws Exception {
    try (Statement stmt = conn.createStatement()) {
      stmt.executeUpdate("LISTEN mynotification");
      CompletableFuture<Void> closer =
          onceWaiting(
              Thread.currentThread(),
              () -> {
                try {
                  conn.close();
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      Throwable thrown = catchThrowable(() -> pg().getNotifications(40_000));
      // The call returns when the socket closes, with an error, not after its 40 s.
      assertThat(thrown).isInstanceOf(SQLException.class);
      closer.get(30, TimeUnit.SECONDS);
      assertThat(conn.isClosed()).isTrue();
    }
  }
}
