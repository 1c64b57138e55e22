package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliosdb.nano.config.HeliosConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** LISTEN, UNLISTEN, NOTIFY and the catalog functions through JDBC, with PostgreSQL's rules. */
class ListenStatementsTest {
  HeliosDB db;
  HeliosConnection conn;
  Statement st;

  @BeforeEach
  void open() throws SQLException {
    db = HeliosDB.inMemory();
    conn = db.connection();
    st = conn.createStatement();
  }

  @AfterEach
  void close() throws SQLException {
    conn.close();
    db.close();
  }

  /** Everything queued for {@code c} once a marker it listens to came through. */
  static List<Notification> received(HeliosConnection c, String markerChannel) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("NOTIFY " + markerChannel + ", 'marker'");
    }
    List<Notification> out = new ArrayList<>();
    while (true) {
      Notification[] batch = c.getNotifications(10_000);
      assertThat(batch).as("marker within 10 s").isNotEmpty();
      for (Notification n : batch) {
        if ("marker".equals(n.payload()) && markerChannel.equals(n.channel())) {
          return out;
        }
        out.add(n);
      }
    }
  }

  @Test
  void listenReceivesOwnNotificationWithOwnPid() throws SQLException {
    assertThat(st.execute("LISTEN orders")).isFalse();
    assertThat(st.getUpdateCount()).isZero();
    st.execute("NOTIFY orders, 'hello'");
    Notification[] n = conn.getNotifications(5000);
    assertThat(n).hasSize(1);
    assertThat(n[0].channel()).isEqualTo("orders");
    assertThat(n[0].payload()).isEqualTo("hello");
    assertThat(n[0].senderPid()).isEqualTo(conn.getBackendPID());
  }

  @Test
  void getNotificationsReturnsAtOnceWhenEmptyAndWithoutTimeout() throws SQLException {
    assertThat(conn.getNotifications()).isEmpty();
    assertThat(conn.getNotifications(1)).isEmpty();
  }

  @Test
  void unquotedNamesFoldQuotedKeepCase() throws SQLException {
    st.execute("LISTEN Foo");
    st.execute("LISTEN \"Bar\"");
    assertThat(conn.listeningChannels()).containsExactly("Bar", "foo");
    st.execute("SELECT pg_notify('Foo', 'not for foo')");
    st.execute("NOTIFY FOO, 'for foo'");
    st.execute("NOTIFY \"Bar\", 'for Bar'");
    assertThat(received(conn, "foo"))
        .extracting(Notification::payload)
        .containsExactly("for foo", "for Bar");
  }

  @Test
  void longIdentifiersAreTruncatedTo63BytesWithANotice() throws SQLException {
    String longName = "c".repeat(70);
    st.execute("LISTEN " + longName);
    assertThat((Object) st.getWarnings()).isNotNull();
    assertThat(st.getWarnings().getSQLState()).isEqualTo("42622");
    assertThat(conn.listeningChannels()).containsExactly("c".repeat(63));
  }

  @Test
  void emptyQuotedIdentifierIsASyntaxError() {
    assertThatThrownBy(() -> st.execute("NOTIFY \"\""))
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42601"))
        .hasMessageContaining("zero-length delimited identifier");
  }

  @Test
  void malformedStatementsAreSyntaxErrorsAndTheConnectionStaysUsable() throws SQLException {
    for (String bad :
        List.of(
            "LISTEN", "LISTEN 'x'", "NOTIFY a b", "NOTIFY a, b", "UNLISTEN a, b", "LISTEN 1x")) {
      assertThatThrownBy(() -> st.execute(bad))
          .as(bad)
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42601"));
    }
    st.execute("LISTEN ok");
    assertThat(conn.listeningChannels()).containsExactly("ok");
  }

  @Test
  void listenInsideTransactionTakesEffectAtCommitAndNotOnRollback() throws SQLException {
    st.execute("BEGIN");
    st.execute("LISTEN a");
    assertThat(conn.listeningChannels()).isEmpty();
    st.execute("COMMIT");
    assertThat(conn.listeningChannels()).containsExactly("a");
    st.execute("BEGIN");
    st.execute("LISTEN b");
    st.execute("UNLISTEN a");
    st.execute("ROLLBACK");
    assertThat(conn.listeningChannels()).containsExactly("a");
  }

  @Test
  void listenAndNotifyInOneTransactionDeliversToSelf() throws SQLException {
    st.execute("BEGIN");
    st.execute("LISTEN a");
    st.execute("NOTIFY a, 'x'");
    st.execute("COMMIT");
    assertThat(received(conn, "a")).extracting(Notification::payload).containsExactly("x");
  }

  @Test
  void unlistenStarRemovesEverything() throws SQLException {
    st.execute("LISTEN a; LISTEN b; LISTEN c");
    st.execute("UNLISTEN b");
    assertThat(conn.listeningChannels()).containsExactly("a", "c");
    st.execute("UNLISTEN *");
    assertThat(conn.listeningChannels()).isEmpty();
  }

  @Test
  void pgListeningChannelsReturnsOneRowPerChannel() throws SQLException {
    st.execute("LISTEN b; LISTEN a");
    List<String> rows = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("SELECT pg_listening_channels()")) {
      assertThat(rs.getMetaData().getColumnLabel(1)).isEqualTo("pg_listening_channels");
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    assertThat(rows).containsExactly("a", "b");
  }

  @Test
  void queueUsageReflectsUnreadNotifications() throws SQLException {
    try (HeliosDB small =
            HeliosDB.open(HeliosConfig.builder().inMemory().notificationQueueSize(10).build());
        HeliosConnection c = small.connection();
        Statement s = c.createStatement()) {
      s.execute("LISTEN q");
      try (ResultSet rs = s.executeQuery("SELECT pg_notification_queue_usage()")) {
        rs.next();
        assertThat(rs.getDouble(1)).isZero();
      }
      for (int i = 0; i < 5; i++) {
        s.execute("NOTIFY q, '" + i + "'");
      }
      try (ResultSet rs = s.executeQuery("SELECT pg_notification_queue_usage()")) {
        rs.next();
        assertThat(rs.getDouble(1)).isEqualTo(0.5);
      }
    }
  }

  @Test
  void identicalNotificationsInOneTransactionAreDeliveredOnce() throws SQLException {
    st.execute("LISTEN d");
    st.execute("BEGIN");
    for (String p : List.of("same", "same", "other", "same")) {
      st.execute("NOTIFY d, '" + p + "'");
    }
    st.execute("COMMIT");
    assertThat(received(conn, "d"))
        .extracting(Notification::payload)
        .containsExactly("same", "other");
  }

  @Test
  void notifyWithoutPayloadDeliversEmptyPayloadAndQuotesAreUnescaped() throws SQLException {
    st.execute("LISTEN e");
    st.execute("NOTIFY e");
    st.execute("NOTIFY e, 'it''s'");
    assertThat(received(conn, "e")).extracting(Notification::payload).containsExactly("", "it's");
  }

  @Test
  void preparedListenAndNotifyWork() throws SQLException {
    try (var ps = conn.prepareStatement("LISTEN p")) {
      assertThat(ps.execute()).isFalse();
    }
    try (var ps = conn.prepareStatement("NOTIFY p, 'prepared'")) {
      assertThat(ps.executeUpdate()).isZero();
    }
    assertThat(received(conn, "p")).extracting(Notification::payload).containsExactly("prepared");
  }

  @Test
  void driverManagerConnectionsShareTheHubWithHeliosDb() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("shared", ".db");
    try (HeliosDB fileDb = HeliosDB.open(file);
        Subscription sub = fileDb.pubsub().subscribe("shared");
        Connection jdbc = DriverManager.getConnection("jdbc:heliosdb:" + file);
        Statement s = jdbc.createStatement()) {
      s.execute("NOTIFY shared, 'via DriverManager'");
      Notification n = sub.poll(java.time.Duration.ofSeconds(5));
      assertThat(n).isNotNull();
      assertThat(n.payload()).isEqualTo("via DriverManager");
      assertThat(n.senderPid()).isEqualTo(jdbc.unwrap(HeliosConnection.class).getBackendPID());
    }
  }

  @Test
  void multiStatementStringRunsEveryStatementIncludingTriggerBodies() throws SQLException {
    st.execute(
        "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); "
            + "CREATE TRIGGER t_n AFTER INSERT ON t BEGIN SELECT pg_notify('t', NEW.v); "
            + "SELECT 1; END; LISTEN t; INSERT INTO t(v) VALUES ('one'), ('two')");
    assertThat(st.getUpdateCount()).isEqualTo(2);
    assertThat(received(conn, "t"))
        .extracting(Notification::payload)
        .containsExactlyElementsOf(Arrays.asList("one", "two"));
  }
}
