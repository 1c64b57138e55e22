package io.heliosdb.nano.wire.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * A listener costs the memory budget {@value MemoryBudget#LISTENER_KIB} KiB; a SQLite connection,
 * opened at a session's first statement that needs one, {@value MemoryBudget#CONNECTION_KIB} KiB
 * more, refused with 53300 when the budget has no room left for it.
 */
class SqliteConnectionsTest {
  @Test
  void connectionsBeyondTheMemoryBudgetAreRefusedAndRoomComesBackWhenOneCloses()
      throws SQLException {
    MemoryBudget budget = MemoryBudget.of(null, 64); // 42 MiB for the sessions
    SqliteConnections connections = new SqliteConnections(false, () -> 1000, budget);
    connections.descriptors(1_000_000); // the open-file limit out of the way
    for (int i = 0; i < 8; i++) {
      connections.opening(); // 1000 listeners and 8 connections fit in 42 MiB
    }
    assertThatThrownBy(connections::opening)
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("memory budget")
        .hasMessageContaining("can still LISTEN, UNLISTEN and NOTIFY")
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("53300"));
    assertThat(connections.open()).isEqualTo(8);
    connections.closed();
    connections.opening();
    assertThat(connections.open()).isEqualTo(8);
  }

  @Test
  void withoutABudgetOnlyTheOpenFileLimitCounts() throws SQLException {
    SqliteConnections connections = new SqliteConnections(false, () -> 1000, null);
    connections.descriptors(1_000_000);
    for (int i = 0; i < 500; i++) {
      connections.opening();
    }
    assertThat(connections.open()).isEqualTo(500);
  }
}
