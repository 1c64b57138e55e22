package io.heliosdb.nano.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.error.HeliosSqlException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The advisory-lock table: PostgreSQL's modes, levels, counts, waits and deadlocks. */
class AdvisoryLocksTest {
  private static final long TRY = -1;
  private static final long LONG = 30_000;

  /** A database name of this test's own: the table is JVM-wide. */
  private final String db = "test:" + UUID.randomUUID();

  private final AdvisoryLocks a = new AdvisoryLocks(db, 1);
  private final AdvisoryLocks b = new AdvisoryLocks(db, 2);
  private final AdvisoryLocks c = new AdvisoryLocks(db, 3);

  @AfterEach
  void releaseAll() {
    a.releaseAll();
    b.releaseAll();
    c.releaseAll();
  }

  @Test
  void exclusiveExcludesOthersButNotItsHolder() throws Exception {
    assertThat(a.lock(42, false, false, false, TRY)).isTrue();
    assertThat(a.lock(42, false, false, false, TRY)).as("reentrant").isTrue();
    assertThat(a.lock(42, false, true, false, TRY)).as("own shared").isTrue();
    assertThat(b.lock(42, false, false, false, TRY)).isFalse();
    assertThat(b.lock(42, false, true, false, TRY)).isFalse();
    assertThat(b.lock(43, false, false, false, TRY)).as("another key").isTrue();
  }

  @Test
  void sessionLocksAreCountedAndUnlockedOneByOne() throws Exception {
    a.lock(7, false, false, false, TRY);
    a.lock(7, false, false, false, TRY);
    assertThat(a.unlock(7, false, false)).isTrue();
    assertThat(b.lock(7, false, false, false, TRY)).as("still held once").isFalse();
    assertThat(a.unlock(7, false, false)).isTrue();
    assertThat(a.unlock(7, false, false)).as("not held any more").isFalse();
    assertThat(b.lock(7, false, false, false, TRY)).isTrue();
  }

  @Test
  void sharedHoldersShareAndKeepExclusiveOut() throws Exception {
    assertThat(a.lock(5, false, true, false, TRY)).isTrue();
    assertThat(b.lock(5, false, true, false, TRY)).isTrue();
    assertThat(c.lock(5, false, false, false, TRY)).isFalse();
    assertThat(a.unlock(5, false, false)).as("held shared, not exclusive").isFalse();
    a.unlock(5, false, true);
    assertThat(c.lock(5, false, false, false, TRY)).as("b still shares it").isFalse();
    b.unlock(5, false, true);
    assertThat(c.lock(5, false, false, false, TRY)).isTrue();
  }

  @Test
  void aBigintKeyAndAPairOfIntsAreDifferentLocks() throws Exception {
    assertThat(a.lock(1, false, false, false, TRY)).isTrue();
    assertThat(b.lock(1, true, false, false, TRY)).as("the pair (0, 1)").isTrue();
    assertThat(b.lock(1, false, false, false, TRY)).isFalse();
  }

  @Test
  void otherDatabasesHaveOtherLocks() throws Exception {
    AdvisoryLocks elsewhere = new AdvisoryLocks(db + "-other", 9);
    try {
      a.lock(1, false, false, false, TRY);
      assertThat(elsewhere.lock(1, false, false, false, TRY)).isTrue();
    } finally {
      elsewhere.releaseAll();
    }
  }

  @Test
  void transactionLevelLocksGoWithTheTransactionAndAreNotUnlockedByHand() throws Exception {
    a.lock(3, false, false, true, TRY);
    a.lock(4, false, false, false, TRY);
    assertThat(a.holdsTransactionLevel()).isTrue();
    assertThat(a.unlock(3, false, false)).isFalse();
    a.unlockAllSessionLevel();
    assertThat(b.lock(4, false, false, false, TRY)).as("session level gone").isTrue();
    assertThat(b.lock(3, false, false, false, TRY)).as("xact level stays").isFalse();
    a.releaseTransactionLevel();
    assertThat(a.holdsTransactionLevel()).isFalse();
    assertThat(b.lock(3, false, false, false, TRY)).isTrue();
  }

  @Test
  void aSessionLockTakenInATransactionOutlivesIt() throws Exception {
    a.lock(8, false, false, false, TRY);
    a.lock(8, false, false, true, TRY);
    a.releaseTransactionLevel();
    assertThat(b.lock(8, false, false, false, TRY)).isFalse();
    a.unlock(8, false, false);
    assertThat(b.lock(8, false, false, false, TRY)).isTrue();
  }

  @Test
  void aWaitEndsWhenTheHolderReleases() throws Exception {
    a.lock(11, false, false, false, TRY);
    CompletableFuture<Boolean> waiter =
        CompletableFuture.supplyAsync(() -> lockQuietly(b, 11, LONG));
    await().atMost(Duration.ofSeconds(10)).until(() -> waiterIsWaiting(b));
    assertThat(waiter).isNotDone();
    a.unlock(11, false, false);
    assertThat(waiter.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(a.lock(11, false, false, false, TRY)).isFalse();
  }

  @Test
  void aWaitTimesOutWithLockNotAvailable() throws Exception {
    a.lock(12, false, false, false, TRY);
    HeliosSqlException e =
        catchThrowableOfType(() -> b.lock(12, false, false, false, 100), HeliosSqlException.class);
    assertThat(e.getSQLState()).isEqualTo("55P03");
    assertThat(e.getMessage())
        .startsWith("canceling statement due to lock timeout")
        .contains("advisory lock 12")
        .contains("process 1");
    assertThat(b.lock(13, false, false, false, TRY)).as("b goes on").isTrue();
  }

  @Test
  void aCancelStopsTheWait() throws Exception {
    a.lock(14, false, false, false, TRY);
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<String> waiter =
        CompletableFuture.supplyAsync(
            () -> {
              started.countDown();
              try {
                b.lock(14, false, false, false, LONG);
                return "granted";
              } catch (HeliosSqlException e) {
                return e.getSQLState();
              }
            });
    started.await();
    await().atMost(Duration.ofSeconds(10)).until(() -> waiterIsWaiting(b));
    b.cancel();
    assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo("57014");
    b.clearCancel();
    a.unlock(14, false, false);
    assertThat(b.lock(14, false, false, false, LONG)).isTrue();
  }

  @Test
  void aWaitThatClosesACycleIsADeadlock() throws Exception {
    a.lock(21, false, false, false, TRY);
    b.lock(22, false, false, false, TRY);
    CompletableFuture<Boolean> aWaits =
        CompletableFuture.supplyAsync(() -> lockQuietly(a, 22, LONG));
    await().atMost(Duration.ofSeconds(10)).until(() -> waiterIsWaiting(a));
    HeliosSqlException e =
        catchThrowableOfType(() -> b.lock(21, false, false, false, LONG), HeliosSqlException.class);
    assertThat(e.getSQLState()).isEqualTo("40P01");
    assertThat(e.getMessage())
        .isEqualTo(
            "deadlock detected: process 2 waits for ExclusiveLock on advisory lock 21, held by"
                + " process 1; process 1 waits for ExclusiveLock on advisory lock 22, held by"
                + " process 2");
    b.unlock(22, false, false);
    assertThat(aWaits.get(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aCycleThroughThreeSessionsIsFound() throws Exception {
    a.lock(31, false, false, false, TRY);
    b.lock(32, false, false, false, TRY);
    c.lock(33, false, false, false, TRY);
    CompletableFuture<Boolean> aWaits =
        CompletableFuture.supplyAsync(() -> lockQuietly(a, 32, LONG));
    await().atMost(Duration.ofSeconds(10)).until(() -> waiterIsWaiting(a));
    CompletableFuture<Boolean> bWaits =
        CompletableFuture.supplyAsync(() -> lockQuietly(b, 33, LONG));
    await().atMost(Duration.ofSeconds(10)).until(() -> waiterIsWaiting(b));
    HeliosSqlException e =
        catchThrowableOfType(() -> c.lock(31, false, true, false, LONG), HeliosSqlException.class);
    assertThat(e.getSQLState()).isEqualTo("40P01");
    c.releaseAll();
    assertThat(bWaits.get(10, TimeUnit.SECONDS)).isTrue();
    b.releaseAll();
    assertThat(aWaits.get(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void theTableIsBoundedAndSaysSo() throws Exception {
    int before = AdvisoryLocks.heldInThisProcess(); // other tests' (none, unless one leaked)
    int room = AdvisoryLocks.MAX_HELD - before;
    for (int i = 0; i < room; i++) {
      assertThat(a.lock(i, false, i % 2 == 0, i % 3 == 0, TRY)).isTrue();
    }
    assertThat(a.lock(0, false, false, false, TRY))
        .as("a lock already held costs nothing")
        .isTrue();
    HeliosSqlException e =
        catchThrowableOfType(
            () -> b.lock(room, false, false, false, TRY), HeliosSqlException.class);
    assertThat(e.getSQLState()).isEqualTo("53200");
    assertThat(e.getMessage()).startsWith("out of shared memory: 16384 advisory locks are held");
    a.releaseTransactionLevel();
    assertThat(b.lock(room, false, false, false, TRY)).isTrue();
    a.releaseAll();
    assertThat(AdvisoryLocks.heldInThisProcess()).isEqualTo(before + 1);
  }

  @Test
  void theWaitIsLockTimeoutElseTheBusyTimeout() {
    assertThat(AdvisoryLocks.waitMillis("1500", 5000)).isEqualTo(1500);
    assertThat(AdvisoryLocks.waitMillis("1500ms", 5000)).isEqualTo(1500);
    assertThat(AdvisoryLocks.waitMillis("'2s'", 5000)).isEqualTo(2000);
    assertThat(AdvisoryLocks.waitMillis("10min", 5000)).isEqualTo(600_000);
    assertThat(AdvisoryLocks.waitMillis("0", 5000)).isEqualTo(5000);
    assertThat(AdvisoryLocks.waitMillis(null, 5000)).isEqualTo(5000);
    assertThat(AdvisoryLocks.waitMillis("soon", 300)).isEqualTo(300);
  }

  @Test
  void pairKeysAreDescribedAsPairs() {
    assertThat(new AdvisoryLocks.Key(db, (5L << 32) | (-1 & 0xFFFFFFFFL), true).describe())
        .isEqualTo("advisory lock (5, -1)");
  }

  private static boolean lockQuietly(AdvisoryLocks l, long key, long waitMillis) {
    try {
      return l.lock(key, false, false, false, waitMillis);
    } catch (HeliosSqlException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code l}'s thread is in its wait. */
  private static boolean waiterIsWaiting(AdvisoryLocks l) {
    return l.isWaiting();
  }
}
