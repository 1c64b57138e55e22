package io.heliosdb.nano.examples;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.examples.InstanceProcess.Report;
import io.heliosdb.nano.examples.ProductWriter.Writes;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import redis.clients.jedis.Jedis;

/**
 * The cache-invalidation scenario of the product brief. Several application instances, each in a
 * process of its own ({@link CacheInstance} in child JVMs started with this one's class path), keep
 * an in-memory cache of {@code products} rows, filled lazily by reads; this process is the writer
 * ({@link ProductWriter}), which updates and deletes products at a fixed rate. {@code AFTER UPDATE}
 * and {@code AFTER DELETE} triggers call {@code NOTIFY('cache_invalidate', 'product:' || id)}, and
 * every instance, listening on the shared file with cross-process delivery, evicts that key. With
 * {@code --redis HOST:PORT} the instances SUBSCRIBE on Redis instead and the writer PUBLISHes after
 * each commit: the usual alternative, as a reference.
 *
 * <p>Latency is measured from the moment the writer's statement returned, committed, to the moment
 * the key was gone from the map of another process: the payload stays the brief's {@code
 * product:<id>}, so the times travel beside it. The writer notes {@link System#nanoTime()} after
 * each commit, each instance after each eviction, and the instances report theirs when the run
 * ends; on Linux both read CLOCK_MONOTONIC, one clock for all processes of the machine. An
 * instance's n-th invalidation is matched with the n-th invalidating commit (one writer, delivery
 * in commit order), and its key must be the same.
 *
 * <p>At the end each instance waits for every invalidation, then compares every row it has cached
 * with the database: a cached row that differs is a stale read it would serve.
 */
public final class CacheInvalidation {
  private static final Duration START_WAIT = Duration.ofSeconds(60);
  private static final Duration FINISH_WAIT = Duration.ofSeconds(90);

  /**
   * Where and how to run.
   *
   * @param redis {@code HOST:PORT} of a Redis server to invalidate through; null: NOTIFY
   */
  record Options(
      Path database,
      int instances,
      int products,
      double writesPerSecond,
      double seconds,
      int readsPerSecond,
      String redis) {}

  /** What a run did and measured. */
  record Summary(
      Options options,
      Writes writes,
      List<Report> reports,
      long delivered,
      long lost,
      long[] latencyMicros,
      long[] fromStartMicros,
      long staleReads,
      long cachedRows,
      long evictedCached) {

    long expected() {
      return (long) writes.ids().length * reports.size();
    }

    long discardedLoads() {
      return reports.stream().mapToLong(Report::discarded).sum();
    }

    boolean ok() {
      return lost == 0 && staleReads == 0 && reports.size() == options.instances();
    }

    String line() {
      Writes w = writes;
      return String.format(
          Locale.ROOT,
          "cache-invalidation (%s): %d instances, %d writes in %.1f s (%d updates, %d deletes,"
              + " %d re-inserts); invalidations %d of %d delivered, %d lost (%d evicted a cached"
              + " row); stale reads %d (%d cached rows checked, %d loads discarded by the race"
              + " guard); latency to the eviction in another process, from the writer's commit"
              + " returning p50 %d µs, p99 %d µs, max %d µs; from its statement starting p50 %d"
              + " µs, p99 %d µs (%d after the warm-up)",
          options.redis() == null ? "NOTIFY across processes" : "Redis PUBLISH/SUBSCRIBE",
          reports.size(),
          w.updates() + w.deletes() + w.inserts(),
          w.elapsedNanos() / 1e9,
          w.updates(),
          w.deletes(),
          w.inserts(),
          delivered,
          expected(),
          lost,
          evictedCached,
          staleReads,
          cachedRows,
          discardedLoads(),
          percentile(latencyMicros, 0.50),
          percentile(latencyMicros, 0.99),
          latencyMicros.length == 0 ? 0 : latencyMicros[latencyMicros.length - 1],
          percentile(fromStartMicros, 0.50),
          percentile(fromStartMicros, 0.99),
          latencyMicros.length);
    }
  }

  private CacheInvalidation() {}

  /** Runs the scenario: schema, instances, writes, reports. */
  static Summary run(Options o) throws Exception {
    try (HeliosDB db = HeliosDB.open(CacheInstance.config(o.database(), o.redis() == null))) {
      ProductWriter.createSchema(db);
      ProductWriter.seed(db, o.products());
      List<InstanceProcess> instances = new ArrayList<>();
      try (Jedis redis = o.redis() == null ? null : jedis(o.redis())) {
        for (int i = 1; i <= o.instances(); i++) {
          instances.add(InstanceProcess.start("instance " + i, instanceCommand(o)));
        }
        for (InstanceProcess p : instances) {
          p.awaitReady(START_WAIT);
        }
        Writes writes =
            new ProductWriter(db, o.products(), redis).run(o.writesPerSecond(), o.seconds());
        List<Report> reports = new ArrayList<>();
        for (InstanceProcess p : instances) {
          reports.add(p.finish(writes.ids().length, FINISH_WAIT));
        }
        return summarize(o, writes, reports);
      } finally {
        for (InstanceProcess p : instances) {
          p.close();
        }
      }
    }
  }

  private static Jedis jedis(String address) {
    String[] hp = CacheInstance.hostAndPort(address);
    return new Jedis(hp[0], Integer.parseInt(hp[1]));
  }

  private static List<String> instanceCommand(Options o) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--db",
                o.database().toString(),
                "--products",
                Integer.toString(o.products()),
                "--reads-per-second",
                Integer.toString(o.readsPerSecond())));
    if (o.redis() != null) {
      args.addAll(List.of("--redis", o.redis()));
    }
    return InstanceProcess.java(CacheInstance.class, args);
  }

  /**
   * Matches each instance's evictions with the writer's commits. Delivery keeps commit order, so
   * the walk is in step; an invalidation that never arrived is skipped over and counted as lost.
   */
  static Summary summarize(Options o, Writes w, List<Report> reports) {
    long delivered = 0;
    long lost = 0;
    long stale = 0;
    long cached = 0;
    long evicted = 0;
    long[] latencies = new long[w.ids().length * reports.size()];
    long[] fromStart = new long[latencies.length];
    int n = 0;
    for (Report r : reports) {
      int j = 0;
      for (int i = 0; i < r.ids().length; i++) {
        while (j < w.ids().length && w.ids()[j] != r.ids()[i]) {
          j++;
        }
        if (j == w.ids().length) {
          break; // not one of the writes: counted as lost below
        }
        if (j >= w.warmUp()) {
          long nanos = r.nanos()[i] - w.committedNanos()[j];
          fromStart[n] = (nanos + w.statementNanos()[j]) / 1000;
          latencies[n++] = nanos / 1000;
        }
        delivered++;
        j++;
      }
      stale += r.stale();
      cached += r.cached();
      evicted += r.evicted();
    }
    lost = (long) w.ids().length * reports.size() - delivered;
    long[] sorted = Arrays.copyOf(latencies, n);
    Arrays.sort(sorted);
    long[] sortedFromStart = Arrays.copyOf(fromStart, n);
    Arrays.sort(sortedFromStart);
    return new Summary(
        o, w, reports, delivered, lost, sorted, sortedFromStart, stale, cached, evicted);
  }

  /** The nearest-rank percentile of {@code sorted}; 0 for none. */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }

  /**
   * {@code --db FILE} (cache-invalidation.db), {@code --instances N} (2), {@code --products N}
   * (1000), {@code --updates-per-second R} (writes, updates and deletes, 200), {@code --seconds S}
   * (10), {@code --reads-per-second R} (per instance, 1000), {@code --redis HOST:PORT}.
   */
  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = options(args);
    } catch (IllegalArgumentException e) {
      System.err.println("cache-invalidation: " + e.getMessage());
      System.exit(2);
      return;
    }
    Summary s;
    try {
      s = run(o);
    } catch (Exception e) {
      System.err.println("cache-invalidation: " + e);
      System.exit(1);
      return;
    }
    PrintStream out = System.out;
    out.println(s.line());
    for (Report r : s.reports()) {
      for (String line : r.staleLines()) {
        System.err.println("cache-invalidation: " + r.name() + ": " + line);
      }
    }
    if (!s.ok()) {
      System.exit(1);
    }
  }

  static Options options(String[] args) {
    Flags f =
        new Flags(
            args,
            Set.of(
                "--db",
                "--instances",
                "--products",
                "--updates-per-second",
                "--seconds",
                "--reads-per-second",
                "--redis"));
    int instances = f.integer("--instances", 2);
    if (instances < 1 || instances > 64) {
      throw new IllegalArgumentException("--instances must be from 1 to 64, not " + instances);
    }
    int products = f.integer("--products", 1000);
    if (products < 1) {
      throw new IllegalArgumentException("--products must be 1 or more, not " + products);
    }
    double rate = f.number("--updates-per-second", 200);
    if (!(rate > 0 && rate <= 100_000)) {
      throw new IllegalArgumentException("--updates-per-second must be above 0, not " + rate);
    }
    double seconds = f.number("--seconds", 10);
    if (!(seconds > 0)) {
      throw new IllegalArgumentException("--seconds must be above 0, not " + seconds);
    }
    int reads = f.integer("--reads-per-second", 1000);
    if (reads < 0) {
      throw new IllegalArgumentException("--reads-per-second must be 0 or more, not " + reads);
    }
    String redis = f.get("--redis", null);
    if (redis != null) {
      CacheInstance.hostAndPort(redis);
    }
    return new Options(
        Path.of(f.get("--db", "cache-invalidation.db")).toAbsolutePath(),
        instances,
        products,
        rate,
        seconds,
        reads,
        redis);
  }
}
