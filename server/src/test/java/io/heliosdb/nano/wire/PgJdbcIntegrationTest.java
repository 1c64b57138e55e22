package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.config.HeliosConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * A real server on 127.0.0.1, port 0, and the real pgjdbc driver in its default (extended query)
 * mode; one test in simple mode.
 */
class PgJdbcIntegrationTest {
  private static final String ORDERS =
      "CREATE TABLE orders(id INTEGER PRIMARY KEY, amount REAL);"
          + " CREATE TRIGGER orders_notify AFTER INSERT ON orders BEGIN"
          + " SELECT pg_notify('orders', json_object('id', NEW.id)); END";

  @TempDir Path dir;
  private WireServer server;

  /** Two sessions for the notification tests, opened by {@link #listenerAndSender()}. */
  private Connection listener;

  private Connection sender;
  private Statement ls;
  private Statement ss;

  @BeforeEach
  void start() throws Exception {
    server =
        WireServer.start(HeliosDB.open(dir.resolve("shop.db")), WireServer.Options.loopback(0));
  }

  @AfterEach
  void stop() throws SQLException {
    if (listener != null) {
      listener.close();
      sender.close();
    }
    server.close();
  }

  private void listenerAndSender() throws SQLException {
    listener = connect();
    sender = connect();
    ls = listener.createStatement();
    ss = sender.createStatement();
  }

  /** pgjdbc in its default mode: the extended query protocol. */
  private Connection connect() throws SQLException {
    return connect("");
  }

  private Connection connect(String options) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + server.port() + "/shop?" + options, "test", "");
  }

  /**
   * The orders table and its trigger, created in simple mode: in its default mode pgjdbc splits
   * statements at semicolons itself, so a trigger body's inner semicolons would cut it apart.
   */
  private void createOrders() throws SQLException {
    try (Connection c = connect("preferQueryMode=simple");
        Statement s = c.createStatement()) {
      s.execute(ORDERS);
    }
  }

  private static PGNotification[] waitFor(Connection c) throws SQLException {
    return c.unwrap(PGConnection.class).getNotifications(30_000);
  }

  @Test
  void queriesReturnTypedValuesInSimpleMode() throws Exception {
    try (Connection c = connect("preferQueryMode=simple");
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE t(i INTEGER, r REAL, s TEXT, b BOOLEAN, blob BLOB, n NUMERIC, v VARCHAR(9))");
      s.execute("INSERT INTO t VALUES (9007199254740993, 2.5, 'héllo', 1, x'00ff10', 1.5, 'v')");
      s.execute("INSERT INTO t VALUES (NULL, NULL, NULL, 0, NULL, NULL, NULL)");
      try (ResultSet rs = s.executeQuery("SELECT * FROM t ORDER BY i IS NULL")) {
        ResultSetMetaData md = rs.getMetaData();
        assertThat(md.getColumnTypeName(1)).isEqualTo("int8");
        assertThat(md.getColumnTypeName(2)).isEqualTo("float8");
        assertThat(md.getColumnTypeName(3)).isEqualTo("text");
        assertThat(md.getColumnTypeName(4)).isEqualTo("bool");
        assertThat(md.getColumnTypeName(5)).isEqualTo("bytea");
        assertThat(md.getColumnTypeName(6)).isEqualTo("numeric");
        assertThat(md.getColumnTypeName(7)).isEqualTo("varchar");
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(9007199254740993L);
        assertThat(rs.getDouble(2)).isEqualTo(2.5);
        assertThat(rs.getString(3)).isEqualTo("héllo");
        assertThat(rs.getBoolean(4)).isTrue();
        assertThat(rs.getBytes(5)).containsExactly(0, 0xff, 0x10);
        assertThat(rs.getBigDecimal(6)).isEqualByComparingTo("1.5");
        assertThat(rs.getObject(1)).isEqualTo(9007199254740993L);
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isZero();
        assertThat(rs.wasNull()).isTrue();
        assertThat(rs.getString(3)).isNull();
        assertThat(rs.getBoolean(4)).isFalse();
        assertThat(rs.getBytes(5)).isNull();
        assertThat(rs.next()).isFalse();
      }
      try (ResultSet rs = s.executeQuery("SELECT 1 + 1 AS two, 0.5 * 3, 'x' || 'y', x'01'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getObject(1)).isEqualTo(2); // int4, as in PostgreSQL
        assertThat(rs.getObject(2)).isEqualTo(new java.math.BigDecimal("1.5")); // numeric
        assertThat(rs.getObject(3)).isEqualTo("xy");
        assertThat(rs.getBytes(4)).containsExactly(1);
      }
      assertThat(s.executeUpdate("UPDATE t SET s = 'z'")).isEqualTo(2);
    }
  }

  @Test
  void largeResultStreamsThroughInChunksWithEveryRowInOrder() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n LIMIT 300000)"
                    + " SELECT i, printf('row %06d', i) FROM n")) {
      long expected = 0;
      while (rs.next()) {
        expected++;
        assertThat(rs.getLong(1)).isEqualTo(expected);
        if (expected % 100_000 == 0) {
          assertThat(rs.getString(2)).isEqualTo(String.format("row %06d", expected));
        }
      }
      assertThat(expected).isEqualTo(300_000);
    }
  }

  @Test
  void listenerGetsTheTriggerNotificationWithTheSendersPid() throws Exception {
    listenerAndSender();
    createOrders();
    ls.execute("LISTEN orders");
    ss.execute("INSERT INTO orders(id, amount) VALUES (7, 9.99)");

    PGNotification[] got = waitFor(listener);
    assertThat(got).hasSize(1);
    assertThat(got[0].getName()).isEqualTo("orders");
    assertThat(got[0].getParameter()).isEqualTo("{\"id\":7}");
    int senderPid = sender.unwrap(PGConnection.class).getBackendPID();
    assertThat(got[0].getPID()).isEqualTo(senderPid);
    assertThat(senderPid).isNotEqualTo(listener.unwrap(PGConnection.class).getBackendPID());
  }

  @Test
  void rolledBackInsertNotifiesNobody() throws Exception {
    listenerAndSender();
    createOrders();
    ls.execute("LISTEN orders");
    ss.execute("BEGIN");
    ss.execute("INSERT INTO orders(id) VALUES (1)");
    ss.execute("ROLLBACK");
    sender.setAutoCommit(false);
    ss.execute("INSERT INTO orders(id) VALUES (2)");
    sender.rollback();
    sender.setAutoCommit(true);
    // A marker sent afterwards: it must be the first thing the listener sees.
    ss.execute("NOTIFY orders, 'marker'");
    PGNotification[] got = waitFor(listener);
    assertThat(got).extracting(PGNotification::getParameter).containsExactly("marker");
  }

  @Test
  void ownNotifyArrivesWithTheStatementThatSentIt() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("LISTEN \"Mixed\"");
      s.execute("NOTIFY \"Mixed\", 'to myself'");
      // Sent before ReadyForQuery: already read when execute returned.
      PGNotification[] got = c.unwrap(PGConnection.class).getNotifications();
      assertThat(got).hasSize(1);
      assertThat(got[0].getName()).isEqualTo("Mixed");
      assertThat(got[0].getParameter()).isEqualTo("to myself");
      assertThat(got[0].getPID()).isEqualTo(c.unwrap(PGConnection.class).getBackendPID());
    }
  }

  @Test
  void listenerInsideATransactionBlockGetsNothingUntilCommit() throws Exception {
    listenerAndSender();
    ls.execute("LISTEN jobs");
    listener.setAutoCommit(false);
    ls.execute("SELECT 1"); // pgjdbc opens the block with this statement
    ss.execute("NOTIFY jobs, 'during the block'");
    ls.execute("SELECT 2");
    assertThat(listener.unwrap(PGConnection.class).getNotifications()).isEmpty();

    listener.commit();
    assertThat(waitFor(listener))
        .extracting(PGNotification::getParameter)
        .containsExactly("during the block");
  }

  @Test
  void errorsCarryTheirSqlstateAndTheConnectionStaysUsable() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      assertThat(catchThrowableOfType(SQLException.class, () -> s.execute("SELEC 1")).getSQLState())
          .isEqualTo("42601");
      s.execute("CREATE TABLE u(id INTEGER PRIMARY KEY)");
      s.execute("INSERT INTO u VALUES (1)");
      SQLException dup =
          catchThrowableOfType(SQLException.class, () -> s.execute("INSERT INTO u VALUES (1)"));
      assertThat(dup.getSQLState()).isEqualTo("23505");
      assertThat(dup.getMessage()).contains("UNIQUE constraint failed: u.id");
      assertThat(
              catchThrowableOfType(SQLException.class, () -> s.executeQuery("SELECT * FROM nope"))
                  .getSQLState())
          .isEqualTo("42P01");
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM u")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(1);
      }
    }
  }

  @Test
  void autoCommitOffCommitsAndRollsBackThroughPgjdbc() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE k(x INTEGER)");
      c.setAutoCommit(false);
      s.execute("INSERT INTO k VALUES (1)");
      c.rollback();
      s.execute("INSERT INTO k VALUES (2)");
      c.commit();
      c.setAutoCommit(true);
      try (ResultSet rs = s.executeQuery("SELECT group_concat(x) FROM k")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("2");
      }
    }
  }

  @Test
  void cancelStopsARunningStatementWith57014() throws Exception {
    try (Connection c = connect();
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
      // pgjdbc sends a CancelRequest only while the statement is running: repeat until it stops.
      await()
          .atMost(Duration.ofSeconds(60))
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
      try (ResultSet rs = s.executeQuery("SELECT 'still here'")) {
        assertThat(rs.next()).isTrue();
      }
    }
  }

  @Test
  void aWriterWaitingForTheLockHoldsUpNoOtherSession() throws Exception {
    server.close();
    server =
        WireServer.start(
            HeliosDB.open(
                HeliosConfig.builder().path(dir.resolve("busy.db")).busyTimeoutMs(600_000).build()),
            WireServer.Options.loopback(0));
    try (Connection holder = connect();
        Connection waiter = connect();
        Connection other = connect();
        Statement hs = holder.createStatement();
        Statement os = other.createStatement()) {
      hs.execute("CREATE TABLE w(x INTEGER)");
      hs.execute("BEGIN IMMEDIATE");
      hs.execute("INSERT INTO w VALUES (1)");
      CompletableFuture<Integer> blocked =
          CompletableFuture.supplyAsync(
              () -> {
                try (Statement ws = waiter.createStatement()) {
                  return ws.executeUpdate("INSERT INTO w VALUES (2)");
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      // The waiter cannot finish while the holder's transaction is open; others go on meanwhile.
      os.execute("LISTEN still_here");
      os.execute("NOTIFY still_here, 'yes'");
      assertThat(other.unwrap(PGConnection.class).getNotifications()).hasSize(1);
      assertThat(blocked).isNotDone();
      hs.execute("COMMIT");
      assertThat(blocked.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1);
    }
  }

  @Test
  void preparedStatementBindsEachParameterTypeAndNull() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE p(i INTEGER, l INTEGER, t TEXT, d REAL, b BOOLEAN, x BLOB)");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO p VALUES (?, ?, ?, ?, ?, ?)")) {
        ps.setInt(1, 42);
        ps.setLong(2, 9007199254740993L);
        ps.setString(3, "it's 'quoted' $1 ?");
        ps.setDouble(4, 0.1);
        ps.setBoolean(5, true);
        ps.setBytes(6, new byte[] {0, (byte) 0xff, 16});
        assertThat(ps.executeUpdate()).isEqualTo(1);
        ps.setNull(1, Types.INTEGER);
        ps.setNull(2, Types.BIGINT);
        ps.setNull(3, Types.VARCHAR);
        ps.setNull(4, Types.DOUBLE);
        ps.setBoolean(5, false);
        ps.setNull(6, Types.BINARY);
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      try (PreparedStatement q =
          c.prepareStatement("SELECT i, l, t, d, b, x FROM p WHERE b = ? OR i = ?")) {
        q.setBoolean(1, true);
        q.setInt(2, -1);
        try (ResultSet rs = q.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getInt(1)).isEqualTo(42);
          assertThat(rs.getLong(2)).isEqualTo(9007199254740993L);
          assertThat(rs.getString(3)).isEqualTo("it's 'quoted' $1 ?");
          assertThat(rs.getDouble(4)).isEqualTo(0.1);
          assertThat(rs.getBoolean(5)).isTrue();
          assertThat(rs.getBytes(6)).containsExactly(0, 0xff, 16);
          assertThat(rs.next()).isFalse();
        }
        q.setBoolean(1, false);
        q.setInt(2, -1);
        try (ResultSet rs = q.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getObject(1)).isNull();
          assertThat(rs.getObject(2)).isNull();
          assertThat(rs.getString(3)).isNull();
          assertThat(rs.getObject(4)).isNull();
          assertThat(rs.getBoolean(5)).isFalse();
          assertThat(rs.getBytes(6)).isNull();
        }
      }
    }
  }

  @Test
  void statementExecutedTenTimesKeepsReturningCorrectValues() throws Exception {
    // prepareThreshold is 5: from then on pgjdbc uses a named statement and asks binary results.
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE k(id INTEGER PRIMARY KEY, r REAL, name TEXT, ok BOOLEAN, x BLOB)");
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO k VALUES (?, ?, ?, ?, ?)");
          PreparedStatement q =
              c.prepareStatement("SELECT id, r, name, ok, x FROM k WHERE id = ?")) {
        for (int i = 1; i <= 10; i++) {
          ins.setInt(1, i);
          ins.setDouble(2, i + 0.25);
          ins.setString(3, "n" + i);
          ins.setBoolean(4, i % 2 == 0);
          ins.setBytes(5, new byte[] {(byte) i});
          assertThat(ins.executeUpdate()).isEqualTo(1);
        }
        for (int i = 1; i <= 10; i++) {
          q.setInt(1, i);
          try (ResultSet rs = q.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(i);
            assertThat(rs.getObject(1)).isEqualTo((long) i);
            assertThat(rs.getDouble(2)).isEqualTo(i + 0.25);
            assertThat(rs.getString(3)).isEqualTo("n" + i);
            assertThat(rs.getBoolean(4)).isEqualTo(i % 2 == 0);
            assertThat(rs.getBytes(5)).containsExactly(i);
            assertThat(rs.next()).isFalse();
          }
        }
      }
    }
  }

  @Test
  void dateTimestampAndUuidKeepTheirValuesWhenPgjdbcSwitchesToBinary() throws Exception {
    // pgjdbc asks binary date, timestamp and uuid from the sixth execution on.
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE z(d DATE, ts TIMESTAMP, u UUID, n NUMERIC, j JSON)");
      s.execute(
          "INSERT INTO z VALUES ('2024-01-02', '2024-01-02 03:04:05.25',"
              + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 1.5, '{\"a\":1}')");
      try (PreparedStatement q = c.prepareStatement("SELECT d, ts, u, n, j FROM z WHERE 1 = ?")) {
        for (int i = 1; i <= 10; i++) {
          q.setInt(1, 1);
          try (ResultSet rs = q.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getDate(1)).isEqualTo(java.sql.Date.valueOf("2024-01-02"));
            assertThat(rs.getTimestamp(2))
                .isEqualTo(java.sql.Timestamp.valueOf("2024-01-02 03:04:05.25"));
            assertThat(rs.getObject(3))
                .isEqualTo(java.util.UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
            assertThat(rs.getBigDecimal(4)).isEqualByComparingTo("1.5");
            assertThat(rs.getString(5)).isEqualTo("{\"a\":1}");
          }
        }
      }
    }
  }

  @Test
  void batchAndGeneratedKeysInDefaultMode() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE g(id INTEGER PRIMARY KEY, name TEXT)");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO g(name) VALUES (?)")) {
        for (String name : List.of("a", "b", "c")) {
          ps.setString(1, name);
          ps.addBatch();
        }
        assertThat(ps.executeBatch()).containsExactly(1, 1, 1);
      }
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO g(name) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, "d");
        assertThat(ps.executeUpdate()).isEqualTo(1);
        try (ResultSet keys = ps.getGeneratedKeys()) {
          assertThat(keys.next()).isTrue();
          assertThat(keys.getLong("id")).isEqualTo(4);
        }
      }
    }
  }

  @Test
  void fetchSizeTenInATransactionReadsAllHundredRowsInOrder() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE h AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
              + " LIMIT 100) SELECT i FROM n");
      c.setAutoCommit(false);
      try (PreparedStatement q = c.prepareStatement("SELECT i FROM h ORDER BY i")) {
        q.setFetchSize(10);
        try (ResultSet rs = q.executeQuery()) {
          int expected = 0;
          while (rs.next()) {
            assertThat(rs.getInt(1)).isEqualTo(++expected);
          }
          assertThat(expected).isEqualTo(100);
        }
      }
      c.commit();
    }
  }

  @Test
  void stopEndsSessionsWithAdminShutdown() throws Exception {
    try (Connection c = connect()) {
      server.close();
      assertThat(server.sessionCount()).isZero();
      // Read without writing, so no connection reset can overtake the FATAL message.
      SQLException e =
          catchThrowableOfType(
              SQLException.class, () -> c.unwrap(PGConnection.class).getNotifications(30_000));
      assertThat(e.getSQLState()).isEqualTo("57P01");
      assertThat(e.getMessage()).contains("terminating connection due to administrator command");
    }
  }
}
