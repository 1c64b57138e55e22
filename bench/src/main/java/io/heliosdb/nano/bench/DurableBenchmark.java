package io.heliosdb.nano.bench;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.Notification;
import io.heliosdb.nano.SubscribeOptions;
import io.heliosdb.nano.Subscription;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.config.Synchronous;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Durable channels: the cost of a durable notification against a plain one, and of a plain one with
 * cross-process delivery, sent from a trigger 100 rows per transaction ({@code
 * notifyInTransaction}, time per row; the ratios to plain are the figures), and how fast a resuming
 * subscriber replays the log ({@code replay}, notifications per second from a log of 100,000).
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DurableBenchmark {
  static final int BATCH = 100;
  static final int LOG_SIZE = 100_000;

  @State(Scope.Benchmark)
  public static class Writer {
    /** plain; durable; shared: a plain channel with cross-process delivery on. */
    @Param({"plain", "durable", "shared"})
    public String channel;

    Path dir;
    HeliosDB db;
    HeliosConnection conn;
    PreparedStatement insert;
    Subscribers listener;
    double amount;

    @Setup(Level.Trial)
    public void open() throws SQLException {
      dir = TempDirs.create();
      db =
          HeliosDB.open(
              HeliosConfig.builder()
                  .path(dir.resolve("bench.db"))
                  .synchronous(Synchronous.NORMAL) // HeliosDB's cost, not fsync's (SyncModeHarness)
                  .durableChannels("durable")
                  .retentionMaxCount(Long.MAX_VALUE)
                  .crossProcess(channel.equals("shared"))
                  .build());
      db.execute("CREATE TABLE orders(id INTEGER PRIMARY KEY AUTOINCREMENT, amount REAL)");
      db.execute(
          "CREATE TRIGGER orders_notify AFTER INSERT ON orders BEGIN SELECT pg_notify('"
              + channel
              + "', json_object('id', NEW.id, 'amount', NEW.amount)); END");
      listener = Subscribers.open(db.pubsub(), channel, 1, ConsumerMode.POLL_THREAD);
      conn = db.connection();
      insert = conn.prepareStatement("INSERT INTO orders(amount) VALUES (?)");
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException, InterruptedException {
      listener.close();
      conn.close();
      db.close();
      TempDirs.delete(dir);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @OperationsPerInvocation(BATCH)
  public void notifyInTransaction(Writer w) throws SQLException {
    w.conn.setAutoCommit(false);
    for (int i = 0; i < BATCH; i++) {
      w.insert.setDouble(1, w.amount += 0.25);
      w.insert.executeUpdate();
    }
    w.conn.commit();
    w.conn.setAutoCommit(true);
  }

  /** A log of {@link #LOG_SIZE} durable notifications to replay. */
  @State(Scope.Benchmark)
  public static class Log {
    Path dir;
    HeliosDB db;

    @Setup(Level.Trial)
    public void fill() throws SQLException {
      dir = TempDirs.create();
      db =
          HeliosDB.open(
              HeliosConfig.builder()
                  .path(dir.resolve("log.db"))
                  .durableChannels("orders")
                  .retentionMaxCount(Long.MAX_VALUE)
                  .build());
      try (HeliosConnection c = db.connection();
          Statement s = c.createStatement()) {
        s.execute("BEGIN");
        s.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
                + LOG_SIZE
                + ") SELECT count(pg_notify('orders', json_object('id', i, 'amount', i * 0.5)))"
                + " FROM n");
        s.execute("COMMIT");
      }
    }

    @TearDown(Level.Trial)
    public void close() {
      db.close();
      TempDirs.delete(dir);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(LOG_SIZE)
  public void replay(Log log, Blackhole bh) {
    try (Subscription sub =
        log.db.pubsub().subscribe(SubscribeOptions.channels("orders").fromId(0))) {
      int n = 0;
      for (Notification x = sub.poll(); x != null; x = sub.poll()) {
        bh.consume(x);
        n++;
      }
      if (n != LOG_SIZE) {
        throw new IllegalStateException("replayed " + n + " of " + LOG_SIZE);
      }
    }
  }
}
