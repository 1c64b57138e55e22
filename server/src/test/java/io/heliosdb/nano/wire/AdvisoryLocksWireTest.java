package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.wire.messages.Frames;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 13: advisory locks held per session over the wire, with pgjdbc in both protocols and on the
 * raw protocol: waits, try, transaction-level locks at commit and rollback, shared against
 * exclusive, release when a client disconnects (also while it waits), cancel, lock_timeout, bad
 * input; and shared with the embedded connections of the same database.
 */
class AdvisoryLocksWireTest {
  @TempDir Path dir;
  private HeliosDB db;
  private WireServer server;

  @BeforeEach
  void start() throws Exception {
    db = HeliosDB.open(dir.resolve("locks.db"));
    server = WireServer.start(db, WireServer.Options.loopback(0));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Connection connect(String mode) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + server.port() + "/locks?preferQueryMode=" + mode,
        "test",
        "");
  }

  @ParameterizedTest
  @ValueSource(strings = {"extended", "simple"})
  void aBlockingLockWaitsUntilTheHolderUnlocks(String mode) throws Exception {
    try (Connection a = connect(mode);
        Connection b = connect(mode)) {
      run(a, "SELECT pg_advisory_lock(42)");
      CompletableFuture<Long> granted =
          CompletableFuture.supplyAsync(
              () -> {
                quietly(b, "SELECT pg_advisory_lock(42)");
                return System.nanoTime();
              });
      awaitWaiters(1);
      assertThat(granted).isNotDone();
      long unlocked = System.nanoTime();
      assertThat(bool(a, "SELECT pg_advisory_unlock(42)")).isTrue();
      assertThat(granted.get(10, TimeUnit.SECONDS)).isGreaterThan(unlocked);
      assertThat(bool(a, "SELECT pg_try_advisory_lock(42)")).as("b holds it now").isFalse();
    }
  }

  /** As in PostgreSQL, the try and unlock functions are bool: Vert.x and R2DBC decode by type. */
  @ParameterizedTest
  @ValueSource(strings = {"extended", "simple"})
  void tryAndUnlockResultsAreTypedBool(String mode) throws Exception {
    try (Connection a = connect(mode);
        Statement s = a.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT pg_try_advisory_xact_lock(5), pg_advisory_unlock(1, 2)")) {
      assertThat(rs.getMetaData().getColumnTypeName(1)).isEqualTo("bool");
      assertThat(rs.getMetaData().getColumnTypeName(2)).isEqualTo("bool");
      // labelled as in PostgreSQL: Flyway reads rs.getBoolean("pg_try_advisory_xact_lock")
      assertThat(rs.getMetaData().getColumnLabel(1)).isEqualTo("pg_try_advisory_xact_lock");
      rs.next();
      assertThat(rs.getObject(1)).isEqualTo(true);
      assertThat(rs.getObject(2)).isEqualTo(false);
    }
  }

  /** Both modes: pgjdbc's simple mode inlines parameters as '...'::int8 (issue 13, item 4). */
  @ParameterizedTest
  @ValueSource(strings = {"extended", "simple"})
  void tryLocksWithParametersAndBothKeyForms(String mode) throws Exception {
    try (Connection a = connect(mode);
        Connection b = connect(mode);
        PreparedStatement tryBig = b.prepareStatement("SELECT pg_try_advisory_lock(?)");
        PreparedStatement tryPair = b.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
      assertThat(bool(a, "SELECT pg_try_advisory_lock(9000000000)")).isTrue();
      assertThat(bool(a, "SELECT pg_try_advisory_lock(1, 2)")).isTrue();
      tryBig.setLong(1, 9_000_000_000L);
      assertThat(bool(tryBig)).isFalse();
      tryPair.setInt(1, 1);
      tryPair.setInt(2, 2);
      assertThat(bool(tryPair)).isFalse();
      tryPair.setInt(2, 3);
      assertThat(bool(tryPair)).isTrue();
      tryBig.setLong(1, (1L << 32) | 2);
      assertThat(bool(tryBig)).as("a bigint is not the pair (1, 2)").isTrue();
    }
  }

  @Test
  void xactLocksAreReleasedAtCommitAndAtRollback() throws Exception {
    try (Connection a = connect("extended");
        Connection b = connect("extended")) {
      a.setAutoCommit(false);
      run(a, "SELECT pg_advisory_xact_lock(7)");
      assertThat(bool(b, "SELECT pg_try_advisory_lock(7)")).isFalse();
      a.commit();
      assertThat(bool(b, "SELECT pg_try_advisory_lock(7)")).as("after COMMIT").isTrue();
      run(b, "SELECT pg_advisory_unlock(7)");

      assertThat(bool(a, "SELECT pg_try_advisory_xact_lock(7)")).isTrue();
      assertThat(bool(b, "SELECT pg_try_advisory_lock(7)")).isFalse();
      a.rollback();
      assertThat(bool(b, "SELECT pg_try_advisory_lock(7)")).as("after ROLLBACK").isTrue();
      run(b, "SELECT pg_advisory_unlock(7)");

      // A failed transaction block keeps it until its ROLLBACK.
      run(a, "SELECT pg_advisory_xact_lock(7)");
      assertThat(quietly(a, "SELECT * FROM missing")).isEqualTo("42P01");
      assertThat(bool(b, "SELECT pg_try_advisory_lock(7)")).isFalse();
      a.rollback();
      assertThat(bool(b, "SELECT pg_try_advisory_lock(7)")).isTrue();
    }
  }

  @Test
  void anXactLockOutsideABlockLastsItsStatement() throws Exception {
    try (Connection a = connect("extended");
        Connection b = connect("simple")) {
      run(a, "SELECT pg_advisory_xact_lock(8)");
      run(b, "SELECT pg_advisory_xact_lock(8)");
      assertThat(bool(a, "SELECT pg_try_advisory_lock(8)")).isTrue();
    }
  }

  @Test
  void sessionLocksAreCountedAndSurviveRollback() throws Exception {
    try (Connection a = connect("extended");
        Connection b = connect("extended")) {
      a.setAutoCommit(false);
      run(a, "SELECT pg_advisory_lock(9)");
      run(a, "SELECT pg_advisory_lock(9)");
      a.rollback();
      assertThat(bool(b, "SELECT pg_try_advisory_lock(9)")).isFalse();
      assertThat(bool(a, "SELECT pg_advisory_unlock(9)")).isTrue();
      assertThat(bool(b, "SELECT pg_try_advisory_lock(9)")).as("held twice").isFalse();
      assertThat(bool(a, "SELECT pg_advisory_unlock(9)")).isTrue();
      a.commit();
      assertThat(bool(b, "SELECT pg_try_advisory_lock(9)")).isTrue();
    }
  }

  @Test
  void sharedAgainstExclusive() throws Exception {
    try (Connection a = connect("extended");
        Connection b = connect("extended");
        Connection c = connect("simple")) {
      run(a, "SELECT pg_advisory_lock_shared(10)");
      assertThat(bool(b, "SELECT pg_try_advisory_lock_shared(10)")).isTrue();
      assertThat(bool(c, "SELECT pg_try_advisory_lock(10)")).isFalse();
      assertThat(bool(c, "SELECT pg_try_advisory_xact_lock(10)")).isFalse();
      assertThat(bool(a, "SELECT pg_advisory_unlock_shared(10)")).isTrue();
      assertThat(bool(b, "SELECT pg_advisory_unlock_shared(10)")).isTrue();
      assertThat(bool(c, "SELECT pg_try_advisory_lock(10)")).isTrue();
      assertThat(bool(a, "SELECT pg_try_advisory_lock_shared(10)")).isFalse();
    }
  }

  @Test
  void aClientThatDisconnectsLeavesNoLockBehind() throws Exception {
    try (Connection b = connect("extended")) {
      Connection a = connect("extended");
      run(a, "SELECT pg_advisory_lock(11), pg_advisory_lock_shared(12)");
      a.close();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> bool(b, "SELECT pg_try_advisory_lock(11)"));
      assertThat(bool(b, "SELECT pg_try_advisory_lock(12)")).isTrue();

      // Without a Terminate, inside a transaction block, holding a transaction-level lock too.
      RawClient raw = RawClient.session(server.port());
      raw.query("BEGIN");
      raw.query("SELECT pg_advisory_lock(13), pg_advisory_xact_lock(14)");
      assertThat(bool(b, "SELECT pg_try_advisory_lock(13)")).isFalse();
      raw.socket.close();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> bool(b, "SELECT pg_try_advisory_lock(13)"));
      assertThat(bool(b, "SELECT pg_try_advisory_lock(14)")).isTrue();
    }
  }

  @Test
  void aClientThatDisconnectsWhileWaitingLeavesNoLockBehind() throws Exception {
    try (Connection a = connect("extended");
        Connection b = connect("extended")) {
      run(a, "SELECT pg_advisory_lock(15)");
      RawClient raw = RawClient.session(server.port());
      raw.query("SET lock_timeout = '60s'");
      raw.send(Frames.query("SELECT pg_advisory_lock(15)"));
      awaitWaiters(1);
      // As in PostgreSQL, the statement is answered before the session ends (the client may have
      // only shut its sending side): it waits on, and gets the lock once a lets it go...
      raw.socket.close();
      assertThat(server.registry().session(raw.pid)).isNotNull();
      run(a, "SELECT pg_advisory_unlock(15)");
      // ...and the session's end releases it.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> bool(b, "SELECT pg_try_advisory_lock(15)"));
    }
  }

  @Test
  void cancelStopsAWaitAndTheSessionGoesOn() throws Exception {
    try (Connection a = connect("extended");
        Connection b = connect("extended");
        Statement waiting = b.createStatement()) {
      run(a, "SELECT pg_advisory_lock(16)");
      run(b, "SET lock_timeout = '60s'");
      CompletableFuture<String> outcome =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  waiting.execute("SELECT pg_advisory_lock(16)");
                  return "granted";
                } catch (SQLException e) {
                  return e.getSQLState();
                }
              });
      awaitWaiters(1);
      waiting.cancel();
      assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo("57014");
      assertThat(bool(b, "SELECT pg_try_advisory_lock(16)")).isFalse();
      run(a, "SELECT pg_advisory_unlock(16)");
      assertThat(bool(b, "SELECT pg_try_advisory_lock(16)")).isTrue();
    }
  }

  @Test
  void lockTimeoutEndsAWaitWith55P03() throws Exception {
    try (Connection a = connect("extended");
        Connection b = connect("extended")) {
      run(a, "SELECT pg_advisory_lock(17)");
      run(b, "SET lock_timeout = '200ms'");
      SQLException e =
          catchThrowableOfType(() -> run(b, "SELECT pg_advisory_lock(17)"), SQLException.class);
      assertThat(e.getSQLState()).isEqualTo("55P03");
      assertThat(e.getMessage())
          .contains("canceling statement due to lock timeout")
          .contains("within 200 ms")
          .contains("process " + a.unwrap(org.postgresql.PGConnection.class).getBackendPID());
      assertThat(bool(b, "SELECT pg_try_advisory_lock(18)")).as("usable after").isTrue();
    }
  }

  @Test
  void aDeadlockBetweenTwoClientsIs40P01() throws Exception {
    try (Connection a = connect("extended");
        Connection b = connect("extended")) {
      run(a, "SELECT pg_advisory_lock(19)");
      run(b, "SELECT pg_advisory_lock(20)");
      run(a, "SET lock_timeout = '60s'");
      CompletableFuture<String> aWaits =
          CompletableFuture.supplyAsync(() -> quietly(a, "SELECT pg_advisory_lock(20)"));
      awaitWaiters(1);
      SQLException e =
          catchThrowableOfType(() -> run(b, "SELECT pg_advisory_lock(19)"), SQLException.class);
      assertThat(e.getSQLState()).isEqualTo("40P01");
      assertThat(e.getMessage()).contains("deadlock detected: process ");
      assertThat(aWaits).isNotDone();
      run(b, "SELECT pg_advisory_unlock(20)");
      assertThat(aWaits.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
    }
  }

  @Test
  void warningsReachPgjdbc() throws Exception {
    try (Connection a = connect("extended");
        Statement s = a.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_advisory_unlock(21)")) {
      rs.next();
      assertThat(rs.getBoolean(1)).isFalse();
      SQLWarning w = s.getWarnings();
      assertThat((Object) w).isNotNull();
      assertThat(w.getSQLState()).isEqualTo("01000");
      assertThat(w.getMessage()).isEqualTo("you don't own a lock of type ExclusiveLock");
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "SELECT pg_advisory_lock('abc')                  | 22P02",
        "SELECT pg_try_advisory_lock('99999999999999999999') | 22003",
        "SELECT pg_advisory_lock(1.5)                    | 42883",
        "SELECT pg_advisory_lock(1, 3000000000)          | 42883",
        "SELECT pg_advisory_unlock_all(1)                | 42883",
        "SELECT pg_advisory_lock()                       | 42883",
      })
  void badInputHasPostgresSqlStatesAndTheSessionGoesOn(String sql, String state) throws Exception {
    for (String mode : new String[] {"extended", "simple"}) {
      try (Connection a = connect(mode)) {
        SQLException e = catchThrowableOfType(() -> run(a, sql), SQLException.class);
        assertThat(e.getSQLState()).as(mode).isEqualTo(state);
        assertThat(bool(a, "SELECT pg_try_advisory_lock(1)")).isTrue();
        // Given back here, not by the close: the server ends a closed session a moment later, and
        // the next case's session must find the lock free.
        assertThat(bool(a, "SELECT pg_advisory_unlock(1)")).isTrue();
      }
    }
  }

  @Test
  void wireSessionsAndEmbeddedConnectionsShareTheLocks() throws Exception {
    try (Connection wire = connect("extended");
        HeliosConnection embedded = db.connection()) {
      run(wire, "SELECT pg_advisory_lock(22)");
      assertThat(bool(embedded, "SELECT pg_try_advisory_lock(22)")).isFalse();
      run(embedded, "SELECT pg_advisory_lock_shared(23)");
      assertThat(bool(wire, "SELECT pg_try_advisory_lock(23)")).isFalse();
      assertThat(bool(wire, "SELECT pg_try_advisory_lock_shared(23)")).isTrue();
    }
  }

  /** Threads of this JVM (the server's) waiting in the advisory-lock table. */
  private static long waiters() {
    return Thread.getAllStackTraces().values().stream()
        .filter(
            stack ->
                Arrays.stream(stack)
                    .anyMatch(
                        f ->
                            f.getClassName().endsWith(".AdvisoryLocks")
                                && f.getMethodName().equals("await")))
        .count();
  }

  private static void awaitWaiters(long n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> waiters() == n);
  }

  private static void run(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Runs it; "ok", or the SQLSTATE it failed with. */
  private static String quietly(Connection c, String sql) {
    try {
      run(c, sql);
      return "ok";
    } catch (SQLException e) {
      return e.getSQLState();
    }
  }

  private static boolean bool(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static boolean bool(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getBoolean(1);
    }
  }
}
