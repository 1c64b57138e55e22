package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * pg_advisory_lock() and the rest on embedded connections: real locks shared by the connections of
 * one database in this JVM, with PostgreSQL's levels, counts and errors.
 */
class AdvisoryLockFunctionsTest {
  @TempDir Path dir;
  private HeliosDB db;
  private HeliosConnection a;
  private HeliosConnection b;

  @BeforeEach
  void open() throws Exception {
    db = HeliosDB.open(dir.resolve("locks.db"));
    a = db.connection();
    b = db.connection();
  }

  @AfterEach
  void close() throws Exception {
    a.close();
    b.close();
    db.close();
  }

  @Test
  void tryLockSeesTheOtherConnectionsLockUntilItIsUnlocked() throws Exception {
    assertThat(query(a, "SELECT pg_try_advisory_lock(1)")).isEqualTo("1");
    assertThat(query(b, "SELECT pg_try_advisory_lock(1)")).isEqualTo("0");
    assertThat(query(b, "SELECT pg_try_advisory_lock_shared(1)")).isEqualTo("0");
    assertThat(query(a, "SELECT pg_advisory_unlock(1)")).isEqualTo("1");
    assertThat(query(b, "SELECT pg_try_advisory_lock(1)")).isEqualTo("1");
  }

  @Test
  void aBlockingLockWaitsForTheHolder() throws Exception {
    query(a, "SELECT pg_advisory_lock(2)");
    AtomicReference<Thread> waiter = new AtomicReference<>();
    CompletableFuture<String> got =
        CompletableFuture.supplyAsync(
            () -> {
              waiter.set(Thread.currentThread());
              return queryQuietly(b, "SELECT coalesce(pg_advisory_lock(2), 'granted')");
            });
    awaitWaiting(waiter);
    assertThat(got).isNotDone();
    query(a, "SELECT pg_advisory_unlock(2)");
    assertThat(got.get(10, TimeUnit.SECONDS)).isEqualTo("granted");
  }

  @Test
  void sessionLocksAreReentrantAndCounted() throws Exception {
    query(a, "SELECT pg_advisory_lock(3), pg_advisory_lock(3)");
    assertThat(query(a, "SELECT pg_advisory_unlock(3)")).isEqualTo("1");
    assertThat(query(b, "SELECT pg_try_advisory_lock(3)")).isEqualTo("0");
    assertThat(query(a, "SELECT pg_advisory_unlock(3)")).isEqualTo("1");
    assertThat(query(b, "SELECT pg_try_advisory_lock(3)")).isEqualTo("1");
  }

  @Test
  void sharedLocksShareAndExcludeExclusive() throws Exception {
    assertThat(query(a, "SELECT pg_try_advisory_lock_shared(4)")).isEqualTo("1");
    assertThat(query(b, "SELECT pg_try_advisory_lock_shared(4)")).isEqualTo("1");
    assertThat(query(b, "SELECT pg_try_advisory_lock(4)")).isEqualTo("0");
    query(a, "SELECT pg_advisory_unlock_shared(4)");
    assertThat(query(b, "SELECT pg_try_advisory_lock(4)")).as("its own share").isEqualTo("1");
    assertThat(query(a, "SELECT pg_try_advisory_lock_shared(4)")).isEqualTo("0");
  }

  @Test
  void xactLocksEndWithTheTransaction() throws Exception {
    try (Statement s = a.createStatement()) {
      s.execute("BEGIN");
      query(a, "SELECT pg_advisory_xact_lock(5)");
      assertThat(query(b, "SELECT pg_try_advisory_lock(5)")).isEqualTo("0");
      s.execute("COMMIT");
      assertThat(query(b, "SELECT pg_try_advisory_lock(5)")).as("after COMMIT").isEqualTo("1");
      query(b, "SELECT pg_advisory_unlock(5)");

      s.execute("BEGIN");
      assertThat(query(a, "SELECT pg_try_advisory_xact_lock_shared(5)")).isEqualTo("1");
      assertThat(query(b, "SELECT pg_try_advisory_lock(5)")).isEqualTo("0");
      s.execute("ROLLBACK");
      assertThat(query(b, "SELECT pg_try_advisory_lock(5)")).as("after ROLLBACK").isEqualTo("1");
    }
  }

  @Test
  void anXactLockInAutocommitLastsItsStatement() throws Exception {
    query(a, "SELECT pg_advisory_xact_lock(6)");
    assertThat(query(b, "SELECT pg_try_advisory_lock(6)")).isEqualTo("1");
  }

  @Test
  void xactLocksEndWithJdbcCommitAndRollback() throws Exception {
    a.setAutoCommit(false);
    query(a, "SELECT pg_advisory_xact_lock(7)");
    assertThat(query(b, "SELECT pg_try_advisory_lock(7)")).isEqualTo("0");
    a.commit();
    assertThat(query(b, "SELECT pg_try_advisory_lock(7)")).as("after commit()").isEqualTo("1");
    query(b, "SELECT pg_advisory_unlock(7)");
    query(a, "SELECT pg_advisory_xact_lock(7)");
    assertThat(query(b, "SELECT pg_try_advisory_lock(7)")).isEqualTo("0");
    a.rollback();
    assertThat(query(b, "SELECT pg_try_advisory_lock(7)")).as("after rollback()").isEqualTo("1");
  }

  @Test
  void aSessionLockOutlivesTheTransactionItWasTakenIn() throws Exception {
    try (Statement s = a.createStatement()) {
      s.execute("BEGIN");
      query(a, "SELECT pg_advisory_lock(8)");
      s.execute("ROLLBACK");
    }
    assertThat(query(b, "SELECT pg_try_advisory_lock(8)")).isEqualTo("0");
  }

  @Test
  void unlockAllReleasesSessionLocksOnly() throws Exception {
    try (Statement s = a.createStatement()) {
      s.execute("BEGIN");
      query(a, "SELECT pg_advisory_lock(9), pg_advisory_lock(1, 2), pg_advisory_xact_lock(10)");
      query(a, "SELECT pg_advisory_unlock_all()");
      assertThat(query(b, "SELECT pg_try_advisory_lock(9)")).isEqualTo("1");
      assertThat(query(b, "SELECT pg_try_advisory_lock(1, 2)")).isEqualTo("1");
      assertThat(query(b, "SELECT pg_try_advisory_lock(10)")).isEqualTo("0");
      s.execute("COMMIT");
    }
  }

  @Test
  void closingTheConnectionReleasesItsLocks() throws Exception {
    try (Statement s = a.createStatement()) {
      s.execute("BEGIN");
      query(a, "SELECT pg_advisory_lock(11), pg_advisory_xact_lock_shared(12)");
    }
    a.close();
    assertThat(query(b, "SELECT pg_try_advisory_lock(11)")).isEqualTo("1");
    assertThat(query(b, "SELECT pg_try_advisory_lock(12)")).isEqualTo("1");
  }

  @Test
  void unlockingALockNotHeldIsFalseWithAWarning() throws Exception {
    try (Statement s = a.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_advisory_unlock_shared(13)")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isZero();
      SQLWarning w = s.getWarnings();
      assertThat((Object) w).isNotNull();
      assertThat(w.getSQLState()).isEqualTo("01000");
      assertThat(w.getMessage()).isEqualTo("you don't own a lock of type ShareLock");
    }
  }

  @Test
  void aWaitEndsWithLockNotAvailableAfterLockTimeout() throws Exception {
    query(a, "SELECT pg_advisory_lock(14)");
    query(b, "SELECT set_config('lock_timeout', '200ms', false)");
    SQLException e =
        catchThrowableOfType(() -> query(b, "SELECT pg_advisory_lock(14)"), SQLException.class);
    assertThat(e.getSQLState()).isEqualTo("55P03");
    assertThat(e.getMessage()).contains("lock timeout").contains("advisory lock 14");
    assertThat(query(b, "SELECT 1")).isEqualTo("1");
  }

  @Test
  void withoutLockTimeoutAWaitEndsAfterTheBusyTimeout() throws Exception {
    try (HeliosDB quick =
            HeliosDB.open(
                io.heliosdb.nano.config.HeliosConfig.builder()
                    .path(dir.resolve("quick.db"))
                    .busyTimeoutMs(300)
                    .build());
        HeliosConnection x = quick.connection();
        HeliosConnection y = quick.connection()) {
      query(x, "SELECT pg_advisory_lock(15)");
      SQLException e =
          catchThrowableOfType(() -> query(y, "SELECT pg_advisory_lock(15)"), SQLException.class);
      assertThat(e.getSQLState()).isEqualTo("55P03");
      assertThat(e.getMessage()).contains("within 300 ms");
    }
  }

  @Test
  void cancelStopsAWait() throws Exception {
    query(a, "SELECT pg_advisory_lock(16)");
    AtomicReference<Thread> waiter = new AtomicReference<>();
    try (Statement s = b.createStatement()) {
      CompletableFuture<String> outcome =
          CompletableFuture.supplyAsync(
              () -> {
                waiter.set(Thread.currentThread());
                try (ResultSet rs = s.executeQuery("SELECT pg_advisory_lock(16)")) {
                  return "granted";
                } catch (SQLException e) {
                  return e.getSQLState();
                }
              });
      awaitWaiting(waiter);
      s.cancel();
      assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo("57014");
    }
    assertThat(query(b, "SELECT pg_try_advisory_lock(16)")).as("still a's").isEqualTo("0");
    query(a, "SELECT pg_advisory_unlock(16)");
    assertThat(query(b, "SELECT pg_try_advisory_lock(16)")).isEqualTo("1");
  }

  @Test
  void waitingForEachOtherIsADeadlock() throws Exception {
    query(a, "SELECT pg_advisory_lock(17)");
    query(b, "SELECT pg_advisory_lock(18)");
    AtomicReference<Thread> waiter = new AtomicReference<>();
    CompletableFuture<String> aWaits =
        CompletableFuture.supplyAsync(
            () -> {
              waiter.set(Thread.currentThread());
              return queryQuietly(a, "SELECT coalesce(pg_advisory_lock(18), 'granted')");
            });
    awaitWaiting(waiter);
    SQLException e =
        catchThrowableOfType(() -> query(b, "SELECT pg_advisory_lock(17)"), SQLException.class);
    assertThat(e.getSQLState()).isEqualTo("40P01");
    assertThat(e.getMessage()).startsWith("deadlock detected: process " + b.getBackendPID());
    query(b, "SELECT pg_advisory_unlock(18)");
    assertThat(aWaits.get(10, TimeUnit.SECONDS)).isEqualTo("granted");
  }

  @Test
  void aPreparedStatementTakesKeysAsParameters() throws Exception {
    try (PreparedStatement ps = a.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
      ps.setInt(1, 1);
      ps.setString(2, "-7");
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
    }
    assertThat(query(b, "SELECT pg_try_advisory_lock(1, -7)")).isEqualTo("0");
    assertThat(query(b, "SELECT pg_try_advisory_lock((1 << 32) | 4294967289)"))
        .as("the same bits as a bigint: another lock")
        .isEqualTo("1");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "SELECT pg_advisory_lock('abc')                 | 22P02 | invalid input syntax for type bigint: \"abc\"",
        "SELECT pg_advisory_lock(1, 'x')                | 22P02 | invalid input syntax for type integer: \"x\"",
        "SELECT pg_try_advisory_lock('9223372036854775808') | 22003 | value \"9223372036854775808\" is out of range for type bigint",
        "SELECT pg_advisory_lock(1.5)                   | 42883 | function pg_advisory_lock(numeric) does not exist",
        "SELECT pg_advisory_lock(1, 3000000000)         | 42883 | function pg_advisory_lock(integer, bigint) does not exist",
        "SELECT pg_advisory_unlock(x'00')               | 42883 | function pg_advisory_unlock(bytea) does not exist",
        "SELECT pg_advisory_xact_lock(1, 2, 3)          | 42883 | function pg_advisory_xact_lock(integer, integer, integer) does not exist",
        "SELECT pg_try_advisory_lock()                  | 42883 | function pg_try_advisory_lock() does not exist",
        "SELECT pg_advisory_unlock_all(1)               | 42883 | wrong number of arguments to function pg_advisory_unlock_all()",
      })
  void badArgumentsFailAsInPostgres(String sql, String state, String message) throws Exception {
    SQLException e = catchThrowableOfType(() -> query(a, sql), SQLException.class);
    assertThat(e.getSQLState()).isEqualTo(state);
    assertThat(e.getMessage()).isEqualTo(message);
    assertThat(query(a, "SELECT pg_try_advisory_lock(99)")).as("usable after").isEqualTo("1");
  }

  @Test
  void nullTakesNothing() throws Exception {
    assertThat(query(a, "SELECT pg_advisory_lock(NULL)")).isNull();
    assertThat(query(a, "SELECT pg_try_advisory_lock(1, NULL)")).isNull();
  }

  /** The first column of the first row, as text. */
  private static String query(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static String queryQuietly(Connection c, String sql) {
    try {
      return query(c, sql);
    } catch (SQLException e) {
      return e.getSQLState();
    }
  }

  /** Until the thread in {@code waiter} waits for a lock (timed, in the advisory-lock table). */
  private static void awaitWaiting(AtomicReference<Thread> waiter) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> waiter.get() != null && waiter.get().getState() == Thread.State.TIMED_WAITING);
  }
}
