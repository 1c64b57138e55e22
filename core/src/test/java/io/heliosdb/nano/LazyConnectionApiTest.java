package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.session.ConnectionGate;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HeliosDB#connection(ConnectionGate)}: the SQLite connection opens at the first statement
 * that needs one, asking the gate; LISTEN, UNLISTEN and NOTIFY outside a transaction never do, and
 * a refusal leaves the connection usable for them.
 */
class LazyConnectionApiTest {
  @TempDir Path dir;

  /** Counts what it allowed; refuses while {@code refuse} is set. */
  private static final class CountingGate implements ConnectionGate {
    int open;
    boolean refuse;

    @Override
    public void opening() throws SQLException {
      if (refuse) {
        throw new HeliosSqlException(SqlState.TOO_MANY_CONNECTIONS, "no room");
      }
      open++;
    }

    @Override
    public void closed() {
      open--;
    }
  }

  @Test
  void listenAndNotifyNeedNoConnectionAndTheFirstQueryOpensIt() throws Exception {
    CountingGate gate = new CountingGate();
    try (HeliosDB db = HeliosDB.open(dir.resolve("lazy.db"));
        HeliosConnection listener = db.connection(gate)) {
      try (Statement st = listener.createStatement()) {
        st.execute("LISTEN ch");
        st.execute("NOTIFY ch, 'one'");
        st.execute("UNLISTEN other");
        st.execute("DISCARD TEMP");
      }
      assertThat(gate.open).isZero();
      assertThat(listener.getAutoCommit()).isTrue();
      assertThat(listener.inTransaction()).isFalse();
      assertThat(listener.getNotifications())
          .extracting(Notification::payload)
          .containsExactly("one");
      try (Statement st = listener.createStatement();
          ResultSet rs = st.executeQuery("SELECT 2")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(2);
      }
      assertThat(gate.open).isEqualTo(1);
      listener.close();
      assertThat(gate.open).isZero();
    }
  }

  @Test
  void aRefusedOpenFailsTheStatementAndTheConnectionStillListens() throws Exception {
    CountingGate gate = new CountingGate();
    gate.refuse = true;
    try (HeliosDB db = HeliosDB.open(dir.resolve("refused.db"));
        HeliosConnection c = db.connection(gate);
        Statement st = c.createStatement()) {
      st.execute("LISTEN ch");
      assertThatThrownBy(() -> st.executeQuery("SELECT 1"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("no room")
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("53300"));
      st.execute("NOTIFY ch, 'still'");
      assertThat(c.getNotifications()).extracting(Notification::payload).containsExactly("still");
      gate.refuse = false;
      try (ResultSet rs = st.executeQuery("SELECT 3")) {
        assertThat(rs.next()).isTrue();
      }
      assertThat(gate.open).isEqualTo(1);
    }
  }
}
