package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.HeliosDB;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * A wire session opens its SQLite connection only at its first statement that needs one: listeners
 * that only LISTEN and NOTIFY hold none ({@link WireServer#sqliteConnectionCount()}), and the open
 * that the open-file limit has no room for is refused with 53300, the session still listening.
 */
class LazyConnectionTest {
  private static final int LISTENERS = 20;

  @TempDir Path dir;
  private WireServer server;
  private final List<Connection> open = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server =
        WireServer.start(HeliosDB.open(dir.resolve("lazy.db")), WireServer.Options.loopback(0));
  }

  @AfterEach
  void stop() throws SQLException {
    for (Connection c : open) {
      c.close();
    }
    server.close();
  }

  private Connection connect() throws SQLException {
    Connection c =
        DriverManager.getConnection(
            "jdbc:postgresql://127.0.0.1:" + server.port() + "/lazy", "ann", "");
    open.add(c);
    return c;
  }

  private static void run(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static List<String> payloads(Connection c, int timeoutMillis) throws SQLException {
    List<String> out = new ArrayList<>();
    PGConnection pg = c.unwrap(PGConnection.class);
    // getNotifications(0) would wait without limit: 0 reads only what has arrived.
    PGNotification[] got =
        timeoutMillis == 0 ? pg.getNotifications() : pg.getNotifications(timeoutMillis);
    for (PGNotification n : got == null ? new PGNotification[0] : got) {
      out.add(n.getName() + ":" + n.getParameter());
    }
    return out;
  }

  /** The payloads that arrive on {@code c} until there are at least {@code n}. */
  private static List<String> awaitPayloads(Connection c, int n) {
    List<String> got = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              got.addAll(payloads(c, 100));
              return got.size() >= n;
            });
    return got;
  }

  @Test
  void listenersOpenNoSqliteConnectionAndStillReceiveAcrossSessions() throws Exception {
    List<Connection> listeners = new ArrayList<>();
    for (int i = 0; i < LISTENERS; i++) {
      Connection c = connect();
      run(c, "LISTEN news");
      run(c, "UNLISTEN other");
      listeners.add(c);
    }
    Connection sender = connect();
    run(sender, "NOTIFY news, 'hello'");
    try (Statement st = sender.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_notify('news', 'again')")) {
      assertThat(rs.next()).isTrue();
    }
    assertThat(server.sqliteConnectionCount())
        .as("only the sender's SELECT opened a connection")
        .isEqualTo(1);
    for (Connection c : listeners) {
      assertThat(awaitPayloads(c, 2)).containsExactly("news:hello", "news:again");
    }
  }

  @Test
  void theFirstQueryOpensTheConnectionAndClosingGivesItBack() throws Exception {
    Connection c = connect();
    run(c, "LISTEN jobs");
    assertThat(server.sqliteConnectionCount()).isZero();
    run(c, "CREATE TABLE t (x INTEGER)");
    run(c, "INSERT INTO t VALUES (42)");
    assertThat(server.sqliteConnectionCount()).isEqualTo(1);
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT x FROM t")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(42);
    }
    c.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> server.sqliteConnectionCount() == 0);
  }

  @Test
  void aNotifyInATransactionIsDroppedByRollbackAndDeliveredByCommit() throws Exception {
    Connection listener = connect();
    run(listener, "LISTEN tx");
    Connection sender = connect();
    run(sender, "BEGIN");
    assertThat(server.sqliteConnectionCount()).as("BEGIN opened the sender's").isEqualTo(1);
    run(sender, "NOTIFY tx, 'dropped'");
    run(sender, "ROLLBACK");
    run(sender, "BEGIN");
    run(sender, "NOTIFY tx, 'kept'");
    run(sender, "COMMIT");
    List<String> got = awaitPayloads(listener, 1);
    run(listener, "SELECT 1"); // anything that rollback had let through would be here by now
    got.addAll(payloads(listener, 0));
    assertThat(got).containsExactly("tx:kept");
  }

  @Test
  void anOpenBeyondTheOpenFileLimitIsRefusedAndTheSessionKeepsListening() throws Exception {
    Connection first = connect();
    Connection second = connect();
    run(second, "LISTEN still");
    // Room for the two sessions' sockets and one SQLite connection (two descriptors).
    server.registry().connections().descriptors(2 + 2);
    run(first, "SELECT 1");
    assertThatThrownBy(() -> run(second, "SELECT 1"))
        .isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("53300"))
        .hasMessageContaining("ulimit -n")
        .hasMessageContaining("can still LISTEN");
    assertThat(server.sqliteConnectionCount()).isEqualTo(1);
    run(second, "NOTIFY still, 'here'");
    assertThat(payloads(second, 5000)).containsExactly("still:here");
    first.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> server.sqliteConnectionCount() == 0);
    try (Statement st = second.createStatement();
        ResultSet rs = st.executeQuery("SELECT 7")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(7);
    }
  }
}
