package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliosdb.nano.wire.limits.MemoryBudget;
import io.heliosdb.nano.wire.messages.HintedSqlException;
import io.heliosdb.nano.wire.types.PgColumn;
import io.heliosdb.nano.wire.types.PgType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The accounting of what prepared statements and portals keep: estimates, shares, the pool. */
class PreparedMemoryTest {
  @Test
  void aStatementIsEstimatedByItsTextItsParameterTypesAndItsColumns() {
    long empty = PreparedMemory.statementBytes("", 0, null);
    assertThat(PreparedMemory.statementBytes("x".repeat(1000), 0, null) - empty).isEqualTo(2000);
    assertThat(PreparedMemory.statementBytes("", 65535, null) - empty).isEqualTo(4 * 65535);
    assertThat(
            PreparedMemory.statementBytes("", 0, List.of(new PgColumn("abc", PgType.TEXT))) - empty)
        .isGreaterThan(6);
  }

  @Test
  void aPortalIsEstimatedByItsValues() {
    long none = PreparedMemory.portalBytes(new Object[0], new short[0]);
    long bytes = PreparedMemory.portalBytes(new Object[] {new byte[100_000]}, new short[0]);
    long text = PreparedMemory.portalBytes(new Object[] {"y".repeat(100_000)}, new short[0]);
    assertThat(bytes - none).isBetween(100_000L, 100_100L);
    assertThat(text - none).isBetween(200_000L, 200_100L);
  }

  @Test
  void aSessionIsRefusedBeyondItsShareWith53200AndFitsAgainOnceItGivesBack() throws Exception {
    PreparedMemory pool = new PreparedMemory(1000, 250);
    PreparedMemory.Holdings s = pool.session();
    s.take("prepared statement \"a\"", true, 200);
    assertThatThrownBy(() -> s.take("prepared statement \"b\"", true, 100))
        .isInstanceOfSatisfying(
            HintedSqlException.class,
            e -> {
              assertThat(e.getSQLState()).isEqualTo("53200");
              assertThat(e.getMessage())
                  .contains("prepared statement \"b\"", "hold 200 of the 250 bytes");
              assertThat(e.hint()).contains("Close");
            });
    assertThat(pool.reserved()).as("a refusal takes nothing").isEqualTo(200);
    s.give(true, 200);
    s.take("prepared statement \"b\"", true, 100);
    assertThat(pool.reserved()).isEqualTo(100);
  }

  @Test
  void theSessionsTogetherAreRefusedBeyondThePool() throws Exception {
    PreparedMemory pool = new PreparedMemory(1000, 400);
    PreparedMemory.Holdings a = pool.session();
    PreparedMemory.Holdings b = pool.session();
    PreparedMemory.Holdings c = pool.session();
    a.take("a", true, 400);
    b.take("b", true, 400);
    assertThatThrownBy(() -> c.take("c", true, 300))
        .isInstanceOf(HintedSqlException.class)
        .hasMessageContaining("all sessions' hold 800 of 1000");
    c.take("c", true, 200);
    a.give(true, 400);
    b.give(true, 400);
    c.give(true, 200);
    assertThat(pool.reserved()).isZero();
  }

  @Test
  void theUnnamedAreCountedButNeverRefused() throws Exception {
    PreparedMemory pool = new PreparedMemory(1000, 250);
    PreparedMemory.Holdings s = pool.session();
    s.take("unnamed prepared statement", false, 5000);
    assertThat(pool.reserved()).isEqualTo(5000);
    assertThat(s.held()).isEqualTo(5000);
    assertThatThrownBy(() -> pool.session().take("x", true, 1))
        .as("the room the unnamed one takes is gone for named ones")
        .isInstanceOf(HintedSqlException.class);
    s.give(false, 5000);
    assertThat(pool.reserved()).isZero();
  }

  @Test
  void aBudgetGivesAQuarterOfItsHeapAndEachSessionAQuarterOfThat() {
    MemoryBudget budget = MemoryBudget.of(null, 256); // a 114 MiB heap
    PreparedMemory pool = PreparedMemory.of(budget);
    assertThat(pool.capacity()).isEqualTo(budget.heapMb() * 1024 * 1024 / 4);
    assertThat(pool.perSession()).isEqualTo(pool.capacity() / 4);
  }
}
