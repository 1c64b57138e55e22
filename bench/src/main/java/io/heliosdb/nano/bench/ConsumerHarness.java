package io.heliosdb.nano.bench;

import io.heliosdb.nano.DurableConsumer;
import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.Notification;
import io.heliosdb.nano.Subscription;
import io.heliosdb.nano.Workflow;
import io.heliosdb.nano.WorkflowAction;
import io.heliosdb.nano.config.ConsumerSettings;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.config.Synchronous;
import io.heliosdb.nano.config.WorkflowStep;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Durable consumers (issue 12), on a file database in WAL mode:
 *
 * <ul>
 *   <li>{@code publish}: a durable notification in a transaction of its own ({@code SELECT
 *       pg_notify('jobs', ?)} in autocommit), time per notification: the baseline.
 *   <li>{@code consume W}: the same notifications handled by a consumer with W workers whose
 *       handler does one INSERT (a step's work), time per notification and steps per second; the
 *       consumer's cost over the baseline is the claim (shared by a batch) and the acknowledgement
 *       in the handler's transaction.
 *   <li>{@code chain MS}: the three-step order workflow (payment, inventory, shipping; each step an
 *       UPDATE and a log row) with MS of simulated work in each step, orders inserted at a steady
 *       rate; latency from the order's commit to the arrival of its {@code shipment_created}
 *       notification, p50/p99.
 * </ul>
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.heliosdb.nano.bench.ConsumerHarness [N] [chain orders] [normal|full]
 * </pre>
 */
public final class ConsumerHarness {
  /** NORMAL by default: the consumers' own cost, not the disk's fsync (SyncModeHarness's). */
  private static Synchronous mode;

  private ConsumerHarness() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int orders = args.length > 1 ? Integer.parseInt(args[1]) : 400;
    mode = args.length > 2 ? Synchronous.parse(args[2]) : Synchronous.NORMAL;
    System.out.println("synchronous = " + mode);
    System.out.printf("publish  %d durable notifications: %.1f us each%n", n, publish(n));
    for (int workers : new int[] {1, 4}) {
      double us = consume(n, workers);
      System.out.printf(
          "consume  %d, %d worker(s): %.1f us each, %.0f steps/s%n", n, workers, us, 1e6 / us);
    }
    for (int workMs : new int[] {0, 50}) {
      long[] lat = chain(orders, workMs);
      System.out.printf(
          "chain    %d orders, 3 steps, work %d ms each, 1 worker per step: p50 %.1f ms, p99 %.1f"
              + " ms, max %.1f ms%n",
          orders, workMs, pct(lat, 50) / 1e6, pct(lat, 99) / 1e6, lat[lat.length - 1] / 1e6);
    }
  }

  private static HeliosDB open(Path dir, HeliosConfig.Builder b) {
    b.synchronous(mode);
    return HeliosDB.open(b.path(dir.resolve("bench.db")).retentionMaxCount(Long.MAX_VALUE).build());
  }

  /** Microseconds per durable notification sent in a transaction of its own. */
  static double publish(int n) throws SQLException {
    Path dir = TempDirs.create();
    try (HeliosDB db = open(dir, HeliosConfig.builder().durableChannels("jobs"));
        HeliosConnection c = db.connection();
        PreparedStatement ps = c.prepareStatement("SELECT pg_notify('jobs', ?)")) {
      send(ps, n / 10); // warm-up
      long t0 = System.nanoTime();
      send(ps, n);
      return (System.nanoTime() - t0) / 1e3 / n;
    } finally {
      TempDirs.delete(dir);
    }
  }

  private static void send(PreparedStatement ps, int n) throws SQLException {
    for (int i = 0; i < n; i++) {
      ps.setString(1, "{\"job\":" + i + "}");
      ps.executeQuery().close();
    }
  }

  /** Microseconds per notification handled (one INSERT each) by a consumer with W workers. */
  static double consume(int n, int workers) throws Exception {
    Path dir = TempDirs.create();
    try (HeliosDB db = open(dir, HeliosConfig.builder().durableChannels("jobs", "*_dead_letter"));
        HeliosConnection c = db.connection();
        PreparedStatement ps = c.prepareStatement("SELECT pg_notify('jobs', ?)")) {
      db.execute("CREATE TABLE done(id INTEGER PRIMARY KEY, payload TEXT)");
      send(ps, n);
      // Warm-up on a consumer of its own, then the measured one starts at the beginning.
      run(db, "warm", workers, n);
      return run(db, "measured", workers, n) / 1e3 / n;
    } finally {
      TempDirs.delete(dir);
    }
  }

  private static long run(HeliosDB db, String name, int workers, int n)
      throws InterruptedException {
    db.execute("DELETE FROM done");
    long t0 = System.nanoTime();
    try (DurableConsumer consumer =
        db.consume(
            name,
            List.of("jobs"),
            ConsumerSettings.DEFAULTS.withWorkers(workers),
            d -> {
              try (PreparedStatement ins =
                  d.connection().prepareStatement("INSERT INTO done VALUES (?, ?)")) {
                ins.setLong(1, d.id());
                ins.setString(2, d.payload());
                ins.executeUpdate();
              }
            })) {
      while (consumer.handled() < n) {
        Thread.sleep(1);
      }
      return System.nanoTime() - t0;
    }
  }

  /** Nanoseconds from each order's commit to its shipment_created notification, sorted. */
  static long[] chain(int orders, int workMs) throws Exception {
    Path dir = TempDirs.create();
    HeliosConfig.Builder b = HeliosConfig.builder();
    b.workflowStep(
        WorkflowStep.of("payment", "order_created", "process_payment", "payment_completed"));
    b.workflowStep(
        WorkflowStep.of(
            "inventory", "payment_completed", "allocate_inventory", "inventory_allocated"));
    b.workflowStep(
        WorkflowStep.of("shipping", "inventory_allocated", "create_shipment", "shipment_created"));
    try (HeliosDB db = open(dir, b)) {
      db.execute(
          "CREATE TABLE orders(id INTEGER PRIMARY KEY, status TEXT NOT NULL);"
              + "CREATE TABLE workflow_log(order_id INTEGER, step TEXT, PRIMARY KEY(order_id,"
              + " step));"
              + "CREATE TRIGGER orders_created AFTER INSERT ON orders BEGIN"
              + " SELECT pg_notify('order_created', NEW.id); END");
      Map<String, WorkflowAction> actions =
          Map.of(
              "process_payment", step("paid", "payment", workMs),
              "allocate_inventory", step("allocated", "inventory", workMs),
              "create_shipment", step("shipped", "shipping", workMs));
      Map<Long, Long> committedAt = new ConcurrentHashMap<>();
      long[] latencies = new long[orders];
      int rate = workMs == 0 ? 50 : 10;
      try (Subscription shipped = db.pubsub().subscribe("shipment_created");
          Workflow w = db.startWorkflow(actions);
          HeliosConnection c = db.connection();
          PreparedStatement ins =
              c.prepareStatement("INSERT INTO orders(id, status) VALUES (?, 'new')")) {
        long start = System.nanoTime();
        int received = 0;
        for (int i = 1; i <= orders; i++) {
          long due = start + (long) (i - 1) * 1_000_000_000L / rate;
          while (System.nanoTime() < due) {
            received = drain(shipped, committedAt, latencies, received, 1);
          }
          ins.setLong(1, i);
          ins.executeUpdate();
          committedAt.put((long) i, System.nanoTime());
        }
        while (received < orders) {
          received = drain(shipped, committedAt, latencies, received, 1000);
        }
      }
      Arrays.sort(latencies);
      return latencies;
    } finally {
      TempDirs.delete(dir);
    }
  }

  private static int drain(
      Subscription sub, Map<Long, Long> committedAt, long[] latencies, int received, long waitMs)
      throws InterruptedException {
    Notification n = sub.poll(Duration.ofMillis(waitMs));
    while (n != null) {
      long now = System.nanoTime();
      latencies[received++] = now - committedAt.get(Long.parseLong(n.payload()));
      n = sub.poll();
    }
    return received;
  }

  private static WorkflowAction step(String status, String name, int workMs) {
    return d -> {
      if (workMs > 0) {
        Thread.sleep(workMs);
      }
      try (PreparedStatement up =
              d.connection().prepareStatement("UPDATE orders SET status = ? WHERE id = ?");
          PreparedStatement log =
              d.connection().prepareStatement("INSERT INTO workflow_log VALUES (?, ?)")) {
        long id = Long.parseLong(d.payload());
        up.setString(1, status);
        up.setLong(2, id);
        up.executeUpdate();
        log.setLong(1, id);
        log.setString(2, name);
        log.executeUpdate();
      }
      return d.payload();
    };
  }

  private static double pct(long[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }
}
