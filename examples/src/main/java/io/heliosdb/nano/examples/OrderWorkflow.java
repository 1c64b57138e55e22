package io.heliosdb.nano.examples;

import io.heliosdb.nano.DurableConsumer;
import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.Notification;
import io.heliosdb.nano.Subscription;
import io.heliosdb.nano.Workflow;
import io.heliosdb.nano.WorkflowAction;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.config.WorkflowStep;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The order workflow of {@code examples/order-workflow/workflow.toml}: an insert into {@code
 * orders} notifies {@code order_created} (a trigger), and the file's three steps, each a durable
 * consumer, take the order from {@code new} to {@code paid}, {@code allocated} and {@code shipped},
 * each appending its row to {@code workflow_log} in the same transaction as its status update and
 * its acknowledgement, so that a process killed at any moment and started again completes every
 * order without doing any step twice. {@code ./examples/run order-workflow} starts it.
 *
 * <p>With {@code --orders N} it inserts N orders in one transaction, runs the steps until every
 * order in the database is shipped, prints one summary line and exits; without, it inserts an order
 * a second and runs until Ctrl-C.
 */
public final class OrderWorkflow implements AutoCloseable {
  /** The status each of the file's actions sets, in the workflow's order. */
  static final Map<String, String> STATUS_OF_ACTION = statuses();

  static final String SHIPPED = "shipped";

  private static final String NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

  /** How often the wait for the last order looks at the file: for other processes' commits. */
  private static final long POLL_MILLIS = 100;

  /**
   * Where and how to run.
   *
   * @param orders orders to insert before the steps start; negative: one a second until stopped
   * @param workers workers per step; 0: as the configuration says
   */
  record Options(Path database, Path config, int orders, int workers, long workMillis) {
    boolean continuous() {
      return orders < 0;
    }
  }

  /** What a run did, for the summary line. */
  record Summary(
      long orders,
      long notShipped,
      long stepsHandled,
      long elapsedNanos,
      long shippedInRun,
      long p50Millis,
      long p99Millis) {

    String line() {
      double seconds = elapsedNanos / 1e9;
      return String.format(
          Locale.ROOT,
          "order-workflow: %d orders, %s; %d steps handled in %.2f s = %.0f steps/s;"
              + " end to end (created_at to shipped, %d orders shipped during the run)"
              + " p50 %d ms, p99 %d ms",
          orders,
          notShipped == 0 ? "all shipped" : notShipped + " not shipped yet",
          stepsHandled,
          seconds,
          seconds > 0 ? stepsHandled / seconds : 0.0,
          shippedInRun,
          p50Millis,
          p99Millis);
    }
  }

  private final Options options;
  private final HeliosDB db;
  private final String runStart;
  private final long startNanos;
  private final Workflow workflow;
  private final String shippedChannel;
  private ScheduledExecutorService inserter;
  private ExecutorService printer;
  private Subscription printing;
  private long endNanos;
  private Summary summary;

  private OrderWorkflow(Options options, HeliosDB db) {
    this.options = options;
    this.db = db;
    this.shippedChannel = shippedChannel(db.config());
    this.runStart = (String) db.query("SELECT " + NOW + " AS now").get(0).get("now");
    this.startNanos = System.nanoTime();
    this.workflow = db.startWorkflow(actions(options.workMillis()));
  }

  /**
   * Opens the database with the configuration file's settings (its path replaced by {@code
   * options.database()}, its workers per step by {@code options.workers()} when given), creates the
   * schema if missing, inserts the orders and starts the steps.
   */
  static OrderWorkflow start(Options options) throws SQLException {
    HeliosDB db = HeliosDB.open(config(options));
    try {
      createSchema(db);
      if (options.orders() > 0) {
        insertOrders(db, options.orders());
      }
      OrderWorkflow app = new OrderWorkflow(options, db);
      if (options.continuous()) {
        app.insertEverySecond();
      }
      return app;
    } catch (SQLException | RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /** The file's settings with the database and the workers of {@code options}. */
  static HeliosConfig config(Options options) {
    HeliosConfig file = HeliosConfig.load(options.config());
    HeliosConfig.Builder b = file.toBuilder().path(options.database());
    if (options.workers() > 0) {
      List<WorkflowStep> steps = new ArrayList<>();
      for (WorkflowStep s : file.workflowSteps()) {
        steps.add(s.withConsumer(s.consumer().withWorkers(options.workers())));
      }
      b.workflowSteps(steps);
    }
    return b.build();
  }

  static void createSchema(HeliosDB db) {
    db.execute(
        "CREATE TABLE IF NOT EXISTS orders(id INTEGER PRIMARY KEY, status TEXT NOT NULL,"
            + " amount REAL, created_at TEXT NOT NULL DEFAULT ("
            + NOW
            + "), shipped_at TEXT);"
            // One row per (order, step): a step's effect done twice would fail its transaction.
            + " CREATE TABLE IF NOT EXISTS workflow_log(order_id INTEGER NOT NULL,"
            + " step TEXT NOT NULL, at TEXT NOT NULL DEFAULT ("
            + NOW
            + "), PRIMARY KEY (order_id, step));"
            + " CREATE TRIGGER IF NOT EXISTS orders_created AFTER INSERT ON orders"
            + " BEGIN SELECT pg_notify('order_created', NEW.id); END");
  }

  /** Inserts {@code n} new orders in one transaction: each notifies order_created at commit. */
  static void insertOrders(HeliosDB db, int n) throws SQLException {
    try (HeliosConnection c = db.connection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO orders(status, amount) VALUES ('new', ?)")) {
        for (int i = 0; i < n; i++) {
          ps.setDouble(1, randomAmount());
          ps.executeUpdate();
        }
      }
      c.commit();
    }
  }

  private static double randomAmount() {
    return Math.round(ThreadLocalRandom.current().nextDouble(5, 500) * 100) / 100.0;
  }

  /**
   * The actions the file's steps name. Each runs in the transaction that acknowledges its
   * notification (the order id): it sets the order's status and appends its {@code workflow_log}
   * row, and returns the order id, which the step sends on its next channel in that transaction.
   */
  static Map<String, WorkflowAction> actions(long workMillis) {
    Map<String, WorkflowAction> actions = new LinkedHashMap<>();
    STATUS_OF_ACTION.forEach((action, status) -> actions.put(action, step(status, workMillis)));
    return actions;
  }

  private static WorkflowAction step(String status, long workMillis) {
    String update =
        "UPDATE orders SET status = ?"
            + (status.equals(SHIPPED) ? ", shipped_at = " + NOW : "")
            + " WHERE id = ?";
    return d -> {
      if (workMillis > 0) {
        Thread.sleep(workMillis); // the step's work elsewhere: a payment service, a warehouse
      }
      long order = Long.parseLong(d.payload().strip());
      HeliosConnection c = d.connection();
      try (PreparedStatement ps = c.prepareStatement(update)) {
        ps.setString(1, status);
        ps.setLong(2, order);
        if (ps.executeUpdate() != 1) {
          throw new IllegalStateException("order " + order + " does not exist");
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO workflow_log(order_id, step) VALUES (?, ?)")) {
        ps.setLong(1, order);
        ps.setString(2, d.consumer());
        ps.executeUpdate();
      }
      return Long.toString(order);
    };
  }

  private static Map<String, String> statuses() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("process_payment", "paid");
    m.put("allocate_inventory", "allocated");
    m.put("create_shipment", SHIPPED);
    return java.util.Collections.unmodifiableMap(m);
  }

  /** The next channel of the step that ships, to wake up on; null when it has none. */
  private static String shippedChannel(HeliosConfig config) {
    for (WorkflowStep s : config.workflowSteps()) {
      if (s.action().equals("create_shipment")) {
        return s.nextChannel();
      }
    }
    return null;
  }

  private void insertEverySecond() {
    printer = Executors.newSingleThreadExecutor(daemon("order-workflow-printer"));
    if (shippedChannel != null) {
      printing = db.pubsub().subscribe(List.of(shippedChannel), printer, this::printShipped);
    }
    inserter = Executors.newSingleThreadScheduledExecutor(daemon("order-workflow-orders"));
    inserter.scheduleAtFixedRate(
        () -> {
          try {
            db.execute("INSERT INTO orders(status, amount) VALUES ('new', ?)", randomAmount());
          } catch (RuntimeException e) {
            System.err.println("order-workflow: cannot insert an order: " + e.getMessage());
          }
        },
        0,
        1,
        TimeUnit.SECONDS);
  }

  private void printShipped(Notification n) {
    if (n.isOverflow()) {
      return;
    }
    try {
      List<Map<String, Object>> rows =
          db.query(
              "SELECT round((julianday(shipped_at) - julianday(created_at)) * 86400000) AS ms"
                  + " FROM orders WHERE id = ?",
              Long.parseLong(n.payload().strip()));
      if (!rows.isEmpty() && rows.get(0).get("ms") != null) {
        System.out.printf(
            Locale.ROOT,
            "order-workflow: order %s shipped, %d ms after it was created%n",
            n.payload(),
            ((Number) rows.get(0).get("ms")).longValue());
      }
    } catch (RuntimeException e) {
      // The database is closing.
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** Orders in the database whose status is not {@code shipped} yet. */
  long notShipped() {
    return count("SELECT count(*) AS n FROM orders WHERE status <> '" + SHIPPED + "'");
  }

  private long count(String sql) {
    return ((Number) db.query(sql).get(0).get("n")).longValue();
  }

  /**
   * Waits until every order in the database is shipped (by this process's steps or another's on the
   * same file): woken by the shipping step's notifications, and looking at the file every 100 ms
   * for other processes' commits. Returns false when orders are left that no step will ever take:
   * the steps have nothing left to do (no lag), because a notification was dead-lettered.
   */
  boolean awaitAllShipped() throws InterruptedException {
    try (Subscription shipped =
        shippedChannel == null ? null : db.pubsub().subscribe(shippedChannel)) {
      while (notShipped() > 0) {
        if (shipped == null) {
          Thread.sleep(POLL_MILLIS);
        } else if (shipped.poll(Duration.ofMillis(POLL_MILLIS)) != null) {
          while (shipped.poll() != null) {
            // drained: one look at the table for all of them
          }
          continue;
        }
        if (stuck()) {
          return false;
        }
      }
    }
    synchronized (this) {
      if (endNanos == 0) {
        endNanos = System.nanoTime();
      }
    }
    return true;
  }

  /** Orders not shipped while no step has work left, in one snapshot. */
  private boolean stuck() {
    StringBuilder steps = new StringBuilder("[");
    for (DurableConsumer c : workflow.steps()) {
      steps.append(steps.length() > 1 ? ",\"" : "\"").append(c.name()).append('"');
    }
    Map<String, Object> row =
        db.query(
                "SELECT (SELECT count(*) FROM orders WHERE status <> '"
                    + SHIPPED
                    + "') AS pending, (SELECT coalesce(sum(lag), 0) FROM heliosdb_consumers WHERE name"
                    + " IN (SELECT value FROM json_each(?))) AS lag",
                steps.append(']').toString())
            .get(0);
    return ((Number) row.get("pending")).longValue() > 0
        && ((Number) row.get("lag")).longValue() == 0;
  }

  /** What the steps dead-lettered, for the message of a run that cannot finish. */
  String deadLetters() {
    StringBuilder b = new StringBuilder();
    for (Map<String, Object> r :
        db.query(
            "SELECT name, dead_lettered, dead_letter_channel FROM heliosdb_consumers"
                + " WHERE dead_lettered > 0 ORDER BY name")) {
      b.append(b.length() == 0 ? "" : ", ")
          .append(r.get("name"))
          .append(": ")
          .append(r.get("dead_lettered"))
          .append(" on ")
          .append(r.get("dead_letter_channel"));
    }
    return b.length() == 0 ? "none" : b.toString();
  }

  /** The steps' consumers. */
  Workflow workflow() {
    return workflow;
  }

  HeliosDB db() {
    return db;
  }

  /**
   * Stops inserting, stops the steps (each finishes the order in hand), reads the summary and
   * closes the database; later calls return the same summary.
   */
  synchronized Summary stop() {
    if (summary != null) {
      return summary;
    }
    if (inserter != null) {
      inserter.shutdownNow();
    }
    if (printing != null) {
      printing.close();
    }
    if (printer != null) {
      printer.shutdownNow();
    }
    long end = endNanos != 0 ? endNanos : System.nanoTime();
    try {
      workflow.close();
      long handled = 0;
      for (DurableConsumer step : workflow.steps()) {
        handled += step.handled();
      }
      List<Long> latencies = new ArrayList<>();
      for (Map<String, Object> row :
          db.query(
              "SELECT round((julianday(shipped_at) - julianday(created_at)) * 86400000) AS ms"
                  + " FROM orders WHERE shipped_at >= ? ORDER BY ms",
              runStart)) {
        latencies.add(((Number) row.get("ms")).longValue());
      }
      summary =
          new Summary(
              count("SELECT count(*) AS n FROM orders"),
              notShipped(),
              handled,
              end - startNanos,
              latencies.size(),
              percentile(latencies, 50),
              percentile(latencies, 99));
      return summary;
    } finally {
      db.close();
    }
  }

  /** The nearest-rank percentile of sorted {@code values}; 0 for none. */
  static long percentile(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  synchronized boolean isStopped() {
    return summary != null || db.isClosed();
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * {@code --db FILE} (order-workflow.db), {@code --orders N} (10; 0: none; omitted: one a second
   * until Ctrl-C), {@code --workers K} (per step; the file's by default, 1), {@code --work-ms MS}
   * (0: each action's simulated work, before its SQL), {@code --config FILE} (the workflow file).
   */
  public static void main(String[] args) throws InterruptedException {
    Options options;
    try {
      options = options(args);
    } catch (IllegalArgumentException e) {
      System.err.println("order-workflow: " + e.getMessage());
      System.exit(2);
      return;
    }
    OrderWorkflow app;
    try {
      app = start(options);
    } catch (Exception e) {
      System.err.println("order-workflow: cannot start: " + e);
      System.exit(1);
      return;
    }
    PrintStream out = System.out;
    CountDownLatch stopped = new CountDownLatch(1);
    // Ctrl-C: the steps finish the orders in hand, and the summary says how far they got.
    Thread hook =
        new Thread(
            () -> {
              try {
                out.println(app.stop().line());
              } catch (RuntimeException e) {
                System.err.println("order-workflow: stopping: " + e);
              } finally {
                stopped.countDown();
              }
            },
            "order-workflow-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    if (options.continuous()) {
      out.println(
          "order-workflow: "
              + options.database()
              + ", one new order a second through "
              + describeSteps(app.workflow)
              + " (Ctrl-C stops)");
      stopped.await();
      return;
    }
    boolean allShipped;
    String deadLetters = null;
    try {
      allShipped = app.awaitAllShipped();
      if (!allShipped) {
        deadLetters = app.deadLetters();
      }
    } catch (RuntimeException e) {
      if (app.isStopped()) {
        stopped.await(); // Ctrl-C closed the database under the wait: the hook prints the line
        return;
      }
      throw e;
    }
    Summary s = app.stop();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      return; // shutting down already: the hook prints the line
    }
    out.println(s.line());
    if (!allShipped) {
      System.err.println(
          "order-workflow: "
              + s.notShipped()
              + " orders will not be shipped: no step has work left, their notifications were"
              + " dead-lettered ("
              + deadLetters
              + "; the dead-letter channels' payloads say why, in heliosdb_notifications)");
      System.exit(1);
    }
  }

  static Options options(String[] args) {
    Flags f = new Flags(args, Set.of("--db", "--orders", "--workers", "--work-ms", "--config"));
    int orders = f.integer("--orders", Integer.MIN_VALUE);
    if (orders == Integer.MIN_VALUE) {
      orders = -1;
    } else if (orders < 0) {
      throw new IllegalArgumentException("--orders must be 0 or more, not " + orders);
    }
    int workers = f.integer("--workers", 0);
    if (workers < 0 || workers > 256) {
      throw new IllegalArgumentException("--workers must be from 1 to 256, not " + workers);
    }
    int workMs = f.integer("--work-ms", 0);
    if (workMs < 0) {
      throw new IllegalArgumentException("--work-ms must be 0 or more, not " + workMs);
    }
    return new Options(
        Path.of(f.get("--db", "order-workflow.db")).toAbsolutePath(),
        configFile(f.get("--config", null)),
        orders,
        workers,
        workMs);
  }

  /**
   * The given file, else the example's (relative to the working directory: the repository root, or
   * the module for its tests).
   */
  private static Path configFile(String given) {
    if (given != null) {
      if (!Files.isRegularFile(Path.of(given))) {
        throw new IllegalArgumentException("--config " + given + " is not a file");
      }
      return Path.of(given).toAbsolutePath();
    }
    for (String c :
        List.of("examples/order-workflow/workflow.toml", "order-workflow/workflow.toml")) {
      if (Files.isRegularFile(Path.of(c))) {
        return Path.of(c).toAbsolutePath();
      }
    }
    throw new IllegalArgumentException(
        "cannot find examples/order-workflow/workflow.toml: give --config FILE");
  }

  private static String describeSteps(Workflow w) {
    List<String> steps = new ArrayList<>();
    for (DurableConsumer c : w.steps()) {
      int n = c.settings().workers();
      steps.add(c.name() + " (" + n + (n == 1 ? " worker)" : " workers)"));
    }
    return String.join(" -> ", steps);
  }
}
