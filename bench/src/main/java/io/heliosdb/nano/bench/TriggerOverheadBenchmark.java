package io.heliosdb.nano.bench;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.config.Synchronous;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a notifying trigger adds to an INSERT (DESIGN.md §8: time ratio trigger/plain {@code <=
 * 1.15} for single inserts, {@code <= 1.30} batched, {@code <= 1.20} with 4 writers). Time per
 * INSERT, so the ratio is the {@code trigger} score divided by the {@code plain} score of the same
 * method.
 *
 * <p>A file database in WAL mode (HeliosDB's default, synchronous=NORMAL), one JDBC connection per
 * writer thread. In the trigger case a subscriber drains 'orders', so every notification is really
 * delivered; the trial fails if any went missing.
 *
 * <p>Writers take turns through a Java lock, one transaction at a time. SQLite admits one writer
 * anyway, and leaving the turns to its busy handler (sleep and retry, no queue) starves some
 * writers for seconds: with 4 plain sqlite-jdbc connections some batches wait past the 5 s busy
 * timeout and fail with "database is locked". The time per INSERT would then measure that lottery,
 * not the trigger.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TriggerOverheadBenchmark {
  static final int BATCH = 100;

  @State(Scope.Benchmark)
  public static class Db {
    @Param({"plain", "trigger"})
    public String table;

    Path dir;
    HeliosDB db;
    Subscribers listener;
    final ReentrantLock writeTurn = new ReentrantLock();

    @Setup(Level.Trial)
    public void open() {
      dir = TempDirs.create();
      // NORMAL: the trigger's cost against a plain INSERT, not the disk's fsync (SyncModeHarness).
      db =
          HeliosDB.open(
              HeliosConfig.builder()
                  .path(dir.resolve("bench.db"))
                  .synchronous(Synchronous.NORMAL)
                  .build());
      db.execute("CREATE TABLE orders(id INTEGER PRIMARY KEY AUTOINCREMENT, amount REAL)");
      if (table.equals("trigger")) {
        db.execute(
            "CREATE TRIGGER orders_notify AFTER INSERT ON orders BEGIN "
                + "SELECT pg_notify('orders', json_object('id', NEW.id, 'amount', NEW.amount)); END");
        listener = Subscribers.open(db.pubsub(), "orders", 1, ConsumerMode.POLL_THREAD);
      }
    }

    @TearDown(Level.Trial)
    public void close() throws InterruptedException {
      long rows =
          ((Number) db.query("SELECT count(*) AS n FROM orders").get(0).get("n")).longValue();
      if (listener != null) {
        awaitAllDelivered(rows);
        listener.close();
      }
      db.close();
      TempDirs.delete(dir);
    }

    private void awaitAllDelivered(long rows) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (listener.counter.delivered() < rows && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      DeliveryCounter c = listener.counter;
      if (c.delivered() != rows || c.dropped() > 0) {
        throw new IllegalStateException(
            rows + " rows, " + c.delivered() + " delivered, " + c.dropped() + " dropped");
      }
    }
  }

  /** One writer's connection. */
  @State(Scope.Thread)
  public static class Writer {
    HeliosConnection conn;
    PreparedStatement insert;
    ReentrantLock writeTurn;
    double amount;

    @Setup(Level.Trial)
    public void open(Db db) throws SQLException {
      conn = db.db.connection();
      insert = conn.prepareStatement("INSERT INTO orders(amount) VALUES (?)");
      writeTurn = db.writeTurn;
    }

    private void insertRow() throws SQLException {
      amount += 0.25;
      insert.setDouble(1, amount);
      insert.executeUpdate();
    }

    void insertOne() throws SQLException {
      writeTurn.lock();
      try {
        insertRow();
      } finally {
        writeTurn.unlock();
      }
    }

    void insertBatch() throws SQLException {
      writeTurn.lock();
      try {
        conn.setAutoCommit(false);
        for (int i = 0; i < BATCH; i++) {
          insertRow();
        }
        conn.commit();
        conn.setAutoCommit(true);
      } finally {
        writeTurn.unlock();
      }
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
      conn.close();
    }
  }

  @Benchmark
  public void single(Writer w) throws SQLException {
    w.insertOne();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void batched100(Writer w) throws SQLException {
    w.insertBatch();
  }

  @Benchmark
  @Threads(4)
  public void single4Writers(Writer w) throws SQLException {
    w.insertOne();
  }

  @Benchmark
  @Threads(4)
  @OperationsPerInvocation(BATCH)
  public void batched100x4Writers(Writer w) throws SQLException {
    w.insertBatch();
  }
}
