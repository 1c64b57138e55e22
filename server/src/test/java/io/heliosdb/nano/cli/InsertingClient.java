package io.heliosdb.nano.cli;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Test helper of {@link ServeCrashTest}: a pgjdbc client (default mode) that inserts rows of 1 to 3
 * in transactions into {@code orders(k, client)}, rolls one in four back on purpose, reconnects to
 * each new server after a kill, and records the fate of every row it tried: acknowledged ({@code
 * commit()} returned), in doubt ({@code commit()} failed), or never committed (rolled back on
 * purpose, or failed before COMMIT was sent).
 */
final class InsertingClient implements Runnable {
  final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  final Set<String> inDoubt = ConcurrentHashMap.newKeySet();
  final Set<String> neverCommitted = ConcurrentHashMap.newKeySet();

  /** Failures while the server was not being killed: there must be none. */
  final List<Throwable> unexpected = new CopyOnWriteArrayList<>();

  final AtomicInteger commits = new AtomicInteger();

  private final int id;
  private final Random random;
  private final Supplier<ServeProcess> server;
  private final BooleanSupplier stopping;
  private long transaction;

  /** {@code server} is the one serving now (null before the first); {@code stopping} ends it. */
  InsertingClient(int id, long seed, Supplier<ServeProcess> server, BooleanSupplier stopping) {
    this.id = id;
    this.random = new Random(seed);
    this.server = server;
    this.stopping = stopping;
  }

  /** The key of a row: by client, then transaction and row in the order this client sent them. */
  static String key(int client, long transaction, int row) {
    return String.format("c%d-%07d-%d", client, transaction, row);
  }

  @Override
  public void run() {
    try {
      ServeProcess last = null;
      while (!stopping.getAsBoolean()) {
        ServeProcess previous = last;
        await()
            .atMost(Duration.ofSeconds(120))
            .until(() -> stopping.getAsBoolean() || server.get() != previous);
        last = server.get();
        if (!stopping.getAsBoolean()) {
          insertUntilFailure(last);
        }
      }
    } catch (Throwable e) {
      unexpected.add(e);
    }
  }

  private void insertUntilFailure(ServeProcess serving) {
    try (Connection c = DriverManager.getConnection(serving.jdbcUrl(), "client" + id, "");
        PreparedStatement insert =
            c.prepareStatement("INSERT INTO orders(k, client) VALUES (?, ?)")) {
      c.setAutoCommit(false);
      while (!stopping.getAsBoolean()) {
        transaction(c, insert);
      }
    } catch (SQLException e) {
      if (!serving.killed()) {
        unexpected.add(e);
      }
      // else: killed under this client; it waits for the next server
    }
  }

  private void transaction(Connection c, PreparedStatement insert) throws SQLException {
    long t = ++transaction;
    int rows = 1 + random.nextInt(3);
    boolean rollBack = random.nextInt(4) == 0;
    List<String> keys = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      keys.add(key(id, t, r));
    }
    boolean commitSent = false;
    try {
      for (String k : keys) {
        insert.setString(1, k);
        insert.setInt(2, id);
        insert.executeUpdate();
      }
      if (rollBack) {
        neverCommitted.addAll(keys);
        c.rollback();
        return;
      }
      commitSent = true;
      c.commit();
      acknowledged.addAll(keys);
      commits.incrementAndGet();
    } catch (SQLException e) {
      (commitSent ? inDoubt : neverCommitted).addAll(keys);
      throw e;
    }
  }
}
