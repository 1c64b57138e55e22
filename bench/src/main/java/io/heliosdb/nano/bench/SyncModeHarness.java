package io.heliosdb.nano.bench;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.config.Synchronous;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cost of {@code [database] synchronous = "full"} (issue 16): commits per second with 1 and 4
 * writer threads, NORMAL against FULL, on a file database in WAL mode. Each commit is what an order
 * workflow does: an autocommit {@code INSERT INTO orders} whose trigger sends a durable
 * notification (so the row and its log row commit together). Each writer has its own connection and
 * nothing serialises them but SQLite's write lock (a writer that finds it taken waits in SQLite's
 * busy handler, as wire sessions do). Per run: a fresh file, 1 s of warm-up, then the measured
 * seconds; commits per second, commit latency p50/p99/max, commits that took over 100 ms, and
 * commits that failed on the busy timeout (retried, not counted).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.heliosdb.nano.bench.SyncModeHarness [seconds] [dir]
 * </pre>
 *
 * {@code dir}: where the database files go (default: a new temporary directory). Give a directory
 * on the disk you mean to measure: what FULL costs is that disk's fsync.
 */
public final class SyncModeHarness {
  private SyncModeHarness() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Path base = args.length > 1 ? Files.createDirectories(Path.of(args[1])) : null;
    Path dir = base == null ? TempDirs.create() : Files.createTempDirectory(base, "heliosdb-sync-");
    System.out.printf("files in %s, %d s per run%n", dir, seconds);
    try {
      for (int writers : new int[] {1, 4}) {
        for (Synchronous mode : Synchronous.values()) {
          Result r =
              run(dir.resolve(mode.configName() + "-" + writers + ".db"), mode, writers, seconds);
          System.out.printf(
              "%-6s %d writer%s: %,8.0f commits/s  commit p50 %,7.0f us  p99 %,8.0f us  max %,9.0f"
                  + " us  over 100 ms %d  busy timeouts %d%n",
              mode.configName(),
              writers,
              writers == 1 ? " " : "s",
              r.commits / (double) seconds,
              pct(r.latencies, 50) / 1e3,
              pct(r.latencies, 99) / 1e3,
              r.latencies.length == 0 ? 0 : r.latencies[r.latencies.length - 1] / 1e3,
              Arrays.stream(r.latencies).filter(t -> t > 100_000_000L).count(),
              r.busy);
        }
      }
    } finally {
      TempDirs.delete(dir);
    }
  }

  private record Result(long commits, long busy, long[] latencies) {}

  private static Result run(Path file, Synchronous mode, int writers, int seconds)
      throws Exception {
    HeliosConfig config =
        HeliosConfig.builder()
            .path(file)
            .synchronous(mode)
            .durableChannels("orders")
            .retentionMaxCount(Long.MAX_VALUE)
            .build();
    try (HeliosDB db = HeliosDB.open(config)) {
      db.execute(
          "CREATE TABLE orders(id INTEGER PRIMARY KEY AUTOINCREMENT, customer INTEGER,"
              + " amount REAL)");
      db.execute(
          "CREATE TRIGGER orders_notify AFTER INSERT ON orders BEGIN SELECT pg_notify('orders',"
              + " json_object('id', NEW.id, 'amount', NEW.amount)); END");
      AtomicBoolean measuring = new AtomicBoolean();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong busy = new AtomicLong();
      List<Writer> all = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        Writer writer = new Writer(db, w, measuring, stop, busy);
        all.add(writer);
        writer.start();
      }
      Thread.sleep(1000);
      measuring.set(true);
      Thread.sleep(seconds * 1000L);
      stop.set(true);
      long commits = 0;
      List<long[]> parts = new ArrayList<>();
      for (Writer w : all) {
        w.join();
        if (w.failure != null) {
          throw new IllegalStateException("writer failed", w.failure);
        }
        commits += w.count;
        parts.add(Arrays.copyOf(w.latencies, w.count));
      }
      long[] latencies = parts.stream().flatMapToLong(Arrays::stream).sorted().toArray();
      return new Result(commits, busy.get(), latencies);
    }
  }

  /** One writer thread on its own connection; latencies of the commits while measuring. */
  private static final class Writer extends Thread {
    private final HeliosDB db;
    private final int id;
    private final AtomicBoolean measuring;
    private final AtomicBoolean stop;
    private final AtomicLong busy;
    long[] latencies = new long[1 << 16];
    int count;
    volatile Throwable failure;

    Writer(HeliosDB db, int id, AtomicBoolean measuring, AtomicBoolean stop, AtomicLong busy) {
      super("writer-" + id);
      this.db = db;
      this.id = id;
      this.measuring = measuring;
      this.stop = stop;
      this.busy = busy;
    }

    @Override
    public void run() {
      try (HeliosConnection c = db.connection();
          PreparedStatement insert =
              c.prepareStatement("INSERT INTO orders(customer, amount) VALUES (?, ?)")) {
        for (long k = 0; !stop.get(); k++) {
          insert.setInt(1, id);
          insert.setDouble(2, k % 1000 / 10.0);
          long t0 = System.nanoTime();
          try {
            insert.executeUpdate();
          } catch (SQLException e) {
            if ("55P03".equals(e.getSQLState())) {
              if (measuring.get()) {
                busy.incrementAndGet(); // waited busy_timeout_ms for the write lock: try again
              }
              continue;
            }
            throw e;
          }
          long t = System.nanoTime() - t0;
          if (measuring.get() && !stop.get()) {
            if (count == latencies.length) {
              latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = t;
          }
        }
      } catch (Throwable e) {
        failure = e;
      }
    }
  }

  private static double pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }
}
