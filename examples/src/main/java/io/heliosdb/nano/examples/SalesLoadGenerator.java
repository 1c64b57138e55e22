package io.heliosdb.nano.examples;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Inserts random sales at a steady rate through the PostgreSQL wire protocol, as any application
 * would with pgjdbc: the dashboard sees them only through the trigger's notifications. Runs on a
 * thread of its own inside {@link SalesDashboard}, or alone against any {@code heliosdb serve}
 * whose database has the {@link SalesSchema}:
 *
 * <pre>
 * ./examples/run sales-load --url jdbc:postgresql://127.0.0.1:54320/sales --rate 20
 * </pre>
 */
public final class SalesLoadGenerator implements AutoCloseable {
  static final List<String> REGIONS = List.of("North", "South", "East", "West");
  static final List<String> PRODUCTS = List.of("Lamp", "Desk", "Chair", "Shelf", "Rug");

  static final String INSERT = "INSERT INTO sales(region, product, amount_cents) VALUES (?, ?, ?)";

  private final String jdbcUrl;
  private final double perSecond;
  private final Random random = new Random();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;

  /**
   * @param perSecond sales per second, more than 0
   */
  SalesLoadGenerator(String jdbcUrl, double perSecond) {
    if (!(perSecond > 0)) {
      throw new IllegalArgumentException("the rate must be more than 0 sales a second");
    }
    this.jdbcUrl = jdbcUrl;
    this.perSecond = perSecond;
    this.thread = new Thread(this::run, "sales-load-generator");
    this.thread.setDaemon(true);
  }

  /** Starts inserting on its own thread until {@link #close()}. */
  SalesLoadGenerator start() {
    thread.start();
    return this;
  }

  private void run() {
    long intervalNanos = (long) (TimeUnit.SECONDS.toNanos(1) / perSecond);
    while (stop.getCount() > 0) {
      try (Connection c = DriverManager.getConnection(jdbcUrl, "sales-load", "");
          PreparedStatement insert = c.prepareStatement(INSERT)) {
        long next = System.nanoTime();
        while (!stop.await(Math.max(0, next - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          insertOne(insert);
          next += intervalNanos;
        }
      } catch (SQLException e) {
        // The server restarting or busy: say so, wait a little, connect again.
        System.err.println("sales-load: " + e.getMessage() + " (retrying in 1 s)");
        pause(TimeUnit.SECONDS.toNanos(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void insertOne(PreparedStatement insert) throws SQLException {
    insert.setString(1, REGIONS.get(random.nextInt(REGIONS.size())));
    insert.setString(2, PRODUCTS.get(random.nextInt(PRODUCTS.size())));
    // Mostly small sales, now and then a large one: from 5.00 to about 500.00.
    insert.setLong(3, 500 + (long) (Math.pow(random.nextDouble(), 3) * 49_500));
    insert.executeUpdate();
  }

  private void pause(long nanos) {
    try {
      stop.await(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops inserting and waits for the thread to end. */
  @Override
  public void close() {
    stop.countDown();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code --url JDBC_URL} (default: heliosdb serve's port) {@code --rate SALES_PER_SECOND}. */
  public static void main(String[] args) throws InterruptedException {
    String url;
    double rate;
    SalesLoadGenerator load;
    try {
      Flags flags = new Flags(args, Set.of("--url", "--rate"));
      url = flags.get("--url", "jdbc:postgresql://127.0.0.1:54320/sales");
      rate = flags.number("--rate", 5);
      load = new SalesLoadGenerator(url, rate);
    } catch (IllegalArgumentException e) {
      System.err.println("sales-load: " + e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(load::close));
    System.out.println("sales-load: inserting " + rate + " sales a second into " + url);
    load.start();
    load.thread.join();
  }
}
