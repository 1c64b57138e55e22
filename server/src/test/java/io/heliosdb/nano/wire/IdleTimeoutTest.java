package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.wire.limits.SessionLimits;
import io.heliosdb.nano.wire.messages.Frames;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * idle_session_timeout and idle_in_transaction_session_timeout as PostgreSQL 15 has them: FATAL
 * 57P05 or 25P03 and the connection closed; the open transaction rolled back; notifications sent to
 * an idle listener do not keep it alive; per session with SET.
 */
class IdleTimeoutTest {
  private static final Duration SHORT = Duration.ofMillis(300);

  @TempDir Path dir;
  private WireServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(Duration idleSession, Duration idleInTransaction) throws Exception {
    SessionLimits limits =
        SessionLimits.DEFAULTS
            .withIdleSessionTimeout(idleSession)
            .withIdleInTransactionSessionTimeout(idleInTransaction);
    server =
        WireServer.start(
            HeliosDB.open(dir.resolve("idle.db")), WireServer.Options.loopback(0).with(limits));
  }

  private Connection jdbc() throws Exception {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + server.port() + "/t", "me", "");
  }

  private static void assertFatal(List<Frames.Backend> last, String sqlState, String message) {
    assertThat(last).isNotEmpty();
    Frames.Backend error = last.get(last.size() - 1);
    assertThat(error.type()).isEqualTo('E');
    assertThat(error.severity()).isEqualTo("FATAL");
    assertThat(error.sqlState()).isEqualTo(sqlState);
    assertThat(error.message()).isEqualTo(message);
  }

  @Test
  void anIdleSessionIsClosedWith57P05() throws Exception {
    start(SHORT, Duration.ZERO);
    try (RawClient c = RawClient.session(server.port())) {
      assertThat(c.query("SELECT 1")).last().extracting(Frames.Backend::status).isEqualTo('I');
      List<Frames.Backend> rest = c.untilClosed();
      assertThat(rest).hasSize(1);
      assertFatal(rest, "57P05", "terminating connection due to idle-session timeout");
    }
  }

  @Test
  void anIdleListenerIsClosedThoughNotificationsKeepArriving() throws Exception {
    start(Duration.ofSeconds(1), Duration.ZERO);
    AtomicBoolean listenerClosed = new AtomicBoolean();
    try (RawClient listener = RawClient.session(server.port())) {
      listener.query("LISTEN ticks");
      Thread publisher =
          new Thread(
              () -> {
                try (Connection c = jdbc();
                    Statement s = c.createStatement()) {
                  while (!listenerClosed.get()) {
                    s.execute("NOTIFY ticks, 'tick'");
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      publisher.start();
      try {
        // Notifications go out the whole time; none is a message from the client.
        List<Frames.Backend> got = listener.untilClosed();
        assertThat(got).filteredOn(m -> m.type() == 'A').isNotEmpty();
        assertFatal(got, "57P05", "terminating connection due to idle-session timeout");
      } finally {
        listenerClosed.set(true);
        publisher.join();
      }
    }
  }

  @Test
  void aSessionThatKeepsSendingIsNotClosed() throws Exception {
    start(Duration.ofSeconds(2), Duration.ofSeconds(2));
    try (Connection c = jdbc();
        Statement s = c.createStatement()) {
      // Longer than the timeout, with a statement every moment: each one stops the timer.
      long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
      int n = 0;
      while (System.nanoTime() < end) {
        try (ResultSet rs = s.executeQuery("SELECT " + n)) {
          assertThat(rs.next()).isTrue();
        }
        n++;
      }
      assertThat(c.isValid(5)).isTrue();
    }
  }

  @Test
  void idleInATransactionBlockIs25P03AndRollsBack() throws Exception {
    start(Duration.ZERO, SHORT);
    try (Connection c = jdbc();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t(x INTEGER)");
      s.execute("INSERT INTO t VALUES (1)");
    }
    try (RawClient c = RawClient.session(server.port())) {
      assertThat(c.query("BEGIN")).last().extracting(Frames.Backend::status).isEqualTo('T');
      assertThat(c.query("INSERT INTO t VALUES (2)"))
          .last()
          .extracting(Frames.Backend::status)
          .isEqualTo('T');
      List<Frames.Backend> rest = c.untilClosed();
      assertFatal(rest, "25P03", "terminating connection due to idle-in-transaction timeout");
    }
    try (Connection c = jdbc();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT group_concat(x) FROM t")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1))
          .as("the committed row stays, the open one is gone")
          .isEqualTo("1");
    }
  }

  @Test
  void aFailedTransactionBlockIsIdleInTransactionToo() throws Exception {
    start(Duration.ZERO, SHORT);
    try (RawClient c = RawClient.session(server.port())) {
      c.query("BEGIN");
      assertThat(c.query("SELECT * FROM missing"))
          .last()
          .extracting(Frames.Backend::status)
          .isEqualTo('E');
      assertFatal(
          c.untilClosed(), "25P03", "terminating connection due to idle-in-transaction timeout");
    }
  }

  @Test
  void outsideABlockOnlyIdleSessionTimeoutCounts() throws Exception {
    start(Duration.ZERO, SHORT);
    try (RawClient idle = RawClient.session(server.port());
        RawClient inBlock = RawClient.session(server.port())) {
      inBlock.query("BEGIN");
      assertFatal(
          inBlock.untilClosed(),
          "25P03",
          "terminating connection due to idle-in-transaction timeout");
      // Idle as long as the other one and more, outside a block: still there.
      assertThat(idle.query("SELECT 1")).last().extracting(Frames.Backend::status).isEqualTo('I');
    }
  }

  @Test
  void setIdleSessionTimeoutActsOnThatSessionOnly() throws Exception {
    start(Duration.ZERO, Duration.ZERO);
    try (RawClient other = RawClient.session(server.port());
        RawClient c = RawClient.session(server.port())) {
      c.query("SET idle_session_timeout = '300ms'");
      List<Frames.Backend> show = c.query("SHOW idle_session_timeout");
      assertThat(show)
          .filteredOn(m -> m.type() == 'D')
          .singleElement()
          .extracting(Frames.Backend::values)
          .isEqualTo(List.of("300ms"));
      assertFatal(c.untilClosed(), "57P05", "terminating connection due to idle-session timeout");
      assertThat(other.query("SELECT 1")).last().extracting(Frames.Backend::status).isEqualTo('I');
    }
  }

  @Test
  void setReadsValuesAsPostgreSqlDoesAndRefusesOthersWith22023() throws Exception {
    start(Duration.ofMinutes(2), Duration.ZERO);
    try (Connection c = jdbc();
        Statement s = c.createStatement()) {
      assertThat(show(s, "idle_session_timeout")).isEqualTo("2min");
      s.execute("SET idle_session_timeout = 90000");
      assertThat(show(s, "idle_session_timeout")).isEqualTo("90s");
      s.execute("SET idle_session_timeout = '1500ms'");
      assertThat(show(s, "idle_session_timeout")).isEqualTo("1500ms");
      s.execute("SET idle_in_transaction_session_timeout = '0.5s'");
      assertThat(show(s, "idle_in_transaction_session_timeout")).isEqualTo("500ms");
      s.execute("RESET idle_session_timeout");
      assertThat(show(s, "idle_session_timeout")).isEqualTo("2min");
      for (String bad : List.of("'abc'", "'5m'", "'-1'", "'3000000s'")) {
        java.sql.SQLException e =
            org.assertj.core.api.Assertions.catchThrowableOfType(
                java.sql.SQLException.class, () -> s.execute("SET idle_session_timeout = " + bad));
        assertThat((Object) e).as(bad).isNotNull();
        assertThat(e.getSQLState()).as(bad).isEqualTo("22023");
      }
      assertThat(show(s, "idle_session_timeout")).isEqualTo("2min");
    }
  }

  private static String show(Statement s, String name) throws Exception {
    try (ResultSet rs = s.executeQuery("SHOW " + name)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }
}
