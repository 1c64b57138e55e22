package io.heliosdb.nano.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.http.SseClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of {@code heliosdb serve} (a child JVM on a file database with a durable channel) at
 * random moments while four pgjdbc clients insert rows in transactions, some rolled back on
 * purpose, through a trigger that notifies the durable channel with each row's key; ten times,
 * restarted on the same file, the clients reconnecting. Afterwards every acknowledged commit is
 * there, the durable log has exactly one entry per committed row (rows whose commit was in doubt
 * count if present) and none for work that never committed, each client's rows in the order it
 * committed them, and a client resuming over SSE with {@code Last-Event-ID} from the middle of the
 * log gets exactly the rest of the log, then the live stream.
 */
class ServeCrashTest {
  /** Fixes the moments of the kills and the clients' choices; thread timing varies still. */
  private static final long SEED = 17;

  private static final int ROUNDS = 10;
  private static final int CLIENTS = 4;
  private static final int MAX_KILL_DELAY_MS = 1000;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS) // the servers' logs stay when it fails
  Path dir;

  private final List<ServeProcess> started = new ArrayList<>();
  private volatile ServeProcess serving;
  private volatile boolean stopping;

  @AfterEach
  void noServerOrClientOutlivesTheTest() throws InterruptedException {
    stopping = true;
    for (ServeProcess server : started) {
      server.close();
    }
  }

  record Logged(long id, String payload) {}

  @Test
  void killDashNineLosesNoAcknowledgedCommitAndTheLogResumesOverSse() throws Exception {
    Path config = dir.resolve("heliosdb.toml");
    // busy_timeout_ms: four writers queue for SQLite's write lock, and on a loaded machine a wait
    // must not become a failure.
    Files.writeString(
        config,
        "[database]\npath = \""
            + dir.resolve("crash.db")
            + "\"\nbusy_timeout_ms = 30000\n[pubsub]\ndurable_channels = [\"orders\"]\n"
            + "[server]\nport = 0\n[http]\nport = 0\n");
    try (HeliosDB db = HeliosDB.open(HeliosConfig.load(config))) {
      db.execute("CREATE TABLE orders(k TEXT PRIMARY KEY, client INTEGER)");
      db.execute(
          "CREATE TRIGGER orders_notify AFTER INSERT ON orders BEGIN"
              + " SELECT pg_notify('orders', NEW.k); END");
    }

    List<InsertingClient> clients = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      InsertingClient client = new InsertingClient(i, SEED + 1 + i, () -> serving, () -> stopping);
      clients.add(client);
      Thread t = new Thread(client, "client-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    Random random = new Random(SEED);
    for (int round = 1; round <= ROUNDS; round++) {
      ServeProcess server = start(config, "serve-" + round + ".log");
      int before = commits(clients);
      serving = server;
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> commits(clients) > before || unexpected(clients) > 0);
      Thread.sleep(random.nextInt(MAX_KILL_DELAY_MS)); // the random moment is the point
      if (round == ROUNDS) {
        stopping = true; // the clients end with this server
      }
      server.kill();
    }
    for (Thread t : threads) {
      t.join(Duration.ofSeconds(60).toMillis());
      assertThat(t.isAlive()).as("%s stopped", t.getName()).isFalse();
    }
    for (InsertingClient client : clients) {
      assertThat(client.unexpected).as("failures not caused by a kill").isEmpty();
    }

    Set<String> acknowledged = union(clients, c -> c.acknowledged);
    Set<String> inDoubt = union(clients, c -> c.inDoubt);
    Set<String> neverCommitted = union(clients, c -> c.neverCommitted);
    ServeProcess server = start(config, "serve-check.log");
    try (Connection c = DriverManager.getConnection(server.jdbcUrl(), "checker", "");
        Statement s = c.createStatement()) {
      Set<String> rows = new HashSet<>();
      try (ResultSet rs = s.executeQuery("SELECT k FROM orders")) {
        while (rs.next()) {
          rows.add(rs.getString(1));
        }
      }
      List<Logged> log = log(s);
      System.out.printf(
          "ServeCrashTest: %d rows acknowledged, %d in doubt (%d of them present),"
              + " %d never committed; %d rows, %d log entries%n",
          acknowledged.size(),
          inDoubt.size(),
          inDoubt.stream().filter(rows::contains).count(),
          neverCommitted.size(),
          rows.size(),
          log.size());

      assertThat(minus(acknowledged, rows)).as("acknowledged rows lost").isEmpty();
      assertThat(minus(rows, union(acknowledged, inDoubt))).as("rows never committed").isEmpty();
      assertThat(neverCommitted).as("the test rolled some back").isNotEmpty();
      List<String> payloads = log.stream().map(Logged::payload).toList();
      assertThat(duplicates(payloads)).as("log entries of one row twice").isEmpty();
      assertThat(minus(rows, new HashSet<>(payloads))).as("rows without a log entry").isEmpty();
      assertThat(minus(new HashSet<>(payloads), rows)).as("log entries without a row").isEmpty();
      assertThat(neverCommitted.stream().filter(new HashSet<>(payloads)::contains))
          .as("log entries of work that never committed")
          .isEmpty();
      for (int i = 0; i < CLIENTS; i++) {
        String prefix = "c" + i + "-";
        assertThat(payloads.stream().filter(p -> p.startsWith(prefix)).toList())
            .as("client %d's rows in the log in the order it committed them", i)
            .isSorted();
      }

      // Resume from the middle of the log: the rest of it exactly, then the live stream.
      int middle = log.size() / 2;
      List<SseClient.Event> rest =
          log.subList(middle + 1, log.size()).stream()
              .map(e -> new SseClient.Event(Long.toString(e.id()), "orders", e.payload()))
              .toList();
      try (SseClient sse =
          new SseClient(
              server.uri("/channels/orders/events"),
              "Last-Event-ID",
              Long.toString(log.get(middle).id()))) {
        assertThat(sse.next(rest.size()))
            .as("resumed after id %d", log.get(middle).id())
            .isEqualTo(rest);
        s.execute("INSERT INTO orders(k, client) VALUES ('after', -1)");
        SseClient.Event live = sse.next();
        assertThat(live.data()).as("the next event is the next commit").isEqualTo("after");
        assertThat(Long.parseLong(live.id())).isGreaterThan(log.get(log.size() - 1).id());
      }
    }
  }

  private ServeProcess start(Path config, String log) throws IOException {
    ServeProcess server = ServeProcess.start(config, dir.resolve(log));
    started.add(server);
    return server;
  }

  private static List<Logged> log(Statement s) throws SQLException {
    List<Logged> log = new ArrayList<>();
    try (ResultSet rs =
        s.executeQuery(
            "SELECT id, payload FROM heliosdb_notifications WHERE channel = 'orders' ORDER BY id")) {
      while (rs.next()) {
        log.add(new Logged(rs.getLong(1), rs.getString(2)));
      }
    }
    return log;
  }

  private static int commits(List<InsertingClient> clients) {
    return clients.stream().mapToInt(c -> c.commits.get()).sum();
  }

  private static int unexpected(List<InsertingClient> clients) {
    return clients.stream().mapToInt(c -> c.unexpected.size()).sum();
  }

  private static Set<String> union(
      List<InsertingClient> clients, Function<InsertingClient, Set<String>> f) {
    Set<String> all = new HashSet<>();
    clients.forEach(c -> all.addAll(f.apply(c)));
    return all;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }

  /** What is in {@code a} and not in {@code b}, sorted so that a failure reads well. */
  private static Set<String> minus(Set<String> a, Set<String> b) {
    return a.stream().filter(x -> !b.contains(x)).collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> duplicates(List<String> values) {
    Set<String> seen = new HashSet<>();
    return values.stream().filter(v -> !seen.add(v)).collect(Collectors.toCollection(TreeSet::new));
  }
}
