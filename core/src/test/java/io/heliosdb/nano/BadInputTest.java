package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliosdb.nano.config.HeliosConfig;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input gets PostgreSQL's error and SQLSTATE; nothing committed is lost and the connection
 * stays usable afterwards.
 */
class BadInputTest {
  HeliosDB db;
  HeliosConnection conn;
  Statement st;

  @BeforeEach
  void open() throws SQLException {
    db = HeliosDB.open(HeliosConfig.builder().inMemory().maxChannels(3).build());
    conn = db.connection();
    st = conn.createStatement();
    st.execute("CREATE TABLE kept(v TEXT)");
    st.execute("INSERT INTO kept VALUES ('committed')");
  }

  @AfterEach
  void close() throws SQLException {
    // Whatever failed before, the connection still works and committed data is there.
    try (var rs = st.executeQuery("SELECT v FROM kept")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("committed");
    }
    conn.close();
    db.close();
  }

  private static void assertState(ThrowingRunnable r, String state, String message) {
    assertThatThrownBy(r::run)
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(state))
        .hasMessageContaining(message);
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void payloadOf8000BytesIsTooLong7999IsFine() throws Exception {
    st.execute("LISTEN big");
    assertState(
        () -> st.execute("SELECT pg_notify('big', '" + "x".repeat(8000) + "')"),
        "22023",
        "payload string too long");
    assertState(
        () -> st.execute("NOTIFY big, '" + "é".repeat(4000) + "'"),
        "22023",
        "payload string too long");
    st.execute("SELECT pg_notify('big', '" + "x".repeat(7999) + "')");
    Notification[] n = conn.getNotifications(5000);
    assertThat(n).hasSize(1);
    assertThat(n[0].payload()).hasSize(7999);
  }

  @Test
  void oversizedPayloadFromATriggerFailsTheInsert() throws Exception {
    st.execute(
        "CREATE TRIGGER big AFTER INSERT ON kept BEGIN "
            + "SELECT pg_notify('k', printf('%.*c', 9000, 'x')); END");
    assertState(() -> st.execute("INSERT INTO kept VALUES ('nope')"), "22023", "payload");
    try (var rs = st.executeQuery("SELECT count(*) FROM kept")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
  }

  @Test
  void emptyOrNullChannelAndOverlongChannelAreRejected() throws Exception {
    assertState(
        () -> st.execute("SELECT pg_notify('', 'x')"), "22023", "channel name cannot be empty");
    assertState(
        () -> st.execute("SELECT pg_notify(NULL, 'x')"), "22023", "channel name cannot be empty");
    assertState(
        () -> st.execute("SELECT pg_notify('" + "c".repeat(64) + "', 'x')"),
        "22023",
        "channel name too long");
    assertThatThrownBy(() -> db.pubsub().notify("", "x"))
        .isInstanceOfSatisfying(
            HeliosException.class, e -> assertThat(e.sqlState()).isEqualTo("22023"));
  }

  @Test
  void nullPayloadIsDeliveredAsEmptyAndNumbersAsText() throws Exception {
    st.execute("LISTEN n");
    st.execute("SELECT pg_notify('n', NULL)");
    st.execute("SELECT pg_notify('n', 42)");
    Notification[] got = conn.getNotifications(5000);
    assertThat(got).extracting(Notification::payload).containsExactly("", "42");
  }

  @Test
  void aFailedNotifyThroughTheConnectionApiLeavesTheNextOneWorking() throws Exception {
    st.execute("LISTEN n");
    String tooLong = "x".repeat(8000);
    for (int i = 0; i < 2; i++) {
      assertState(() -> conn.notify("n", tooLong), "22023", "payload string too long");
    }
    conn.notify("n", "fine");
    assertThat(conn.getNotifications(5000))
        .extracting(Notification::payload)
        .containsExactly("fine");
  }

  @Test
  void wrongArgumentCountIsUndefinedFunction() {
    assertState(() -> st.execute("SELECT pg_notify('a')"), "42883", "pg_notify");
  }

  @Test
  void listenBeyondMaxChannelsIs54000() throws Exception {
    st.execute("LISTEN a; LISTEN b; LISTEN c");
    assertState(() -> st.execute("LISTEN d"), "54000", "too many channels");
    st.execute("LISTEN a");
    assertThatThrownBy(() -> db.pubsub().subscribe("e"))
        .isInstanceOfSatisfying(
            HeliosException.class, e -> assertThat(e.sqlState()).isEqualTo("54000"));
  }

  @Test
  void sqliteErrorsMapToPostgresStates() {
    assertState(() -> st.execute("SELEC 1"), "42601", "syntax error");
    assertState(() -> st.execute("SELECT * FROM missing"), "42P01", "no such table");
    assertState(() -> st.execute("SELECT nope FROM kept"), "42703", "no such column");
    assertState(() -> st.execute("CREATE TABLE kept(x)"), "42P07", "already exists");
    assertState(() -> st.execute(""), "02000", "empty query");
  }

  @Test
  void errorsInsideATransactionLeaveItUsable() throws Exception {
    st.execute("BEGIN");
    st.execute("INSERT INTO kept VALUES ('in tx')");
    assertState(() -> st.execute("SELECT pg_notify('', 'x')"), "22023", "empty");
    st.execute("COMMIT");
    try (var rs = st.executeQuery("SELECT count(*) FROM kept")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(2);
    }
  }

  @Test
  void failedSelectInTransactionLosesItsNotification() throws Exception {
    st.execute("LISTEN f");
    st.execute("BEGIN");
    st.execute("NOTIFY f, 'kept'");
    assertState(
        () -> {
          try (var rs =
              st.executeQuery("SELECT pg_notify('f', 'lost'), abs(-9223372036854775807 - 1)")) {
            rs.next();
          }
        },
        "22003",
        "integer overflow");
    st.execute("COMMIT");
    assertThat(ListenStatementsTest.received(conn, "f"))
        .extracting(Notification::payload)
        .containsExactly("kept");
  }

  @Test
  void beforeTriggerNotificationOfAFailedInsertIsDropped() throws Exception {
    st.execute("CREATE TABLE u(k TEXT UNIQUE)");
    st.execute("CREATE TRIGGER u_b BEFORE INSERT ON u BEGIN SELECT pg_notify('u', NEW.k); END");
    st.execute("INSERT INTO u VALUES ('dup')");
    st.execute("LISTEN u");
    st.execute("BEGIN");
    assertState(() -> st.execute("INSERT INTO u VALUES ('dup')"), "23505", "UNIQUE");
    st.execute("INSERT INTO u VALUES ('fresh')");
    st.execute("COMMIT");
    assertThat(ListenStatementsTest.received(conn, "u"))
        .extracting(Notification::payload)
        .containsExactly("fresh");
  }

  @Test
  void disabledPubsubRejectsNotifyWith55000() throws Exception {
    try (HeliosDB off =
            HeliosDB.open(HeliosConfig.builder().inMemory().pubsubEnabled(false).build());
        HeliosConnection c = off.connection();
        Statement s = c.createStatement()) {
      assertState(() -> s.execute("NOTIFY a"), "55000", "pubsub.enabled = false");
      assertThatThrownBy(() -> off.pubsub().notify("a", "b"))
          .isInstanceOfSatisfying(
              HeliosException.class, e -> assertThat(e.sqlState()).isEqualTo("55000"));
    }
  }

  @Test
  void closedConnectionRejectsStatementsWith08003() throws Exception {
    HeliosConnection c = db.connection();
    c.close();
    assertState(c::createStatement, "08003", "closed");
    assertThat(c.isClosed()).isTrue();
    assertThat(c.getNotifications(1)).isEmpty();
  }

  @Test
  void subscriptionPollAfterBadInputStillWorks() throws Exception {
    try (Subscription sub = db.pubsub().subscribe("ok")) {
      assertState(() -> st.execute("NOTIFY ok, 'unterminated"), "42601", "syntax error");
      st.execute("NOTIFY ok, 'fine'");
      assertThat(sub.poll(Duration.ofSeconds(5)).payload()).isEqualTo("fine");
    }
  }
}
