package io.heliosdb.nano.examples;

import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.http.HttpConfig;
import io.heliosdb.nano.wire.WireServer;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * A live sales dashboard: a table {@code sales} whose trigger notifies {@code sales_updates} with
 * the sale and the running totals ({@link SalesSchema}), served as {@code heliosdb serve} would
 * (PostgreSQL wire protocol and HTTP) with the page of {@code examples/sales-dashboard/web}, which
 * follows the channel over the gateway's WebSocket, and a {@link SalesLoadGenerator} inserting
 * sales over the wire. {@code ./examples/run sales-dashboard} starts it; Ctrl-C stops it.
 */
public final class SalesDashboard implements AutoCloseable {
  /**
   * The durable log keeps the newest notifications only: enough for the page's chart after a
   * reload. The totals do not depend on it, since every notification carries them.
   */
  static final long KEPT_NOTIFICATIONS = 2_000;

  /** Where and how to run. */
  record Options(Path database, int wirePort, int httpPort, Path web, double salesPerSecond) {}

  private final ServedDatabase served;
  private final SalesLoadGenerator load;

  private SalesDashboard(ServedDatabase served, SalesLoadGenerator load) {
    this.served = served;
    this.load = load;
  }

  /** Creates the schema if missing, starts both servers and, at a rate over 0, the load. */
  static SalesDashboard start(Options o) throws InterruptedException {
    HeliosConfig db =
        HeliosConfig.builder()
            .path(o.database())
            // Durable: the page subscribes with from_id and gets the latest totals at once.
            .durableChannels(SalesSchema.CHANNEL)
            .retentionMaxCount(KEPT_NOTIFICATIONS)
            .build();
    HttpConfig http = HttpConfig.builder().port(o.httpPort()).staticDir(o.web()).build();
    ServedDatabase served = ServedDatabase.start(db, o.wirePort(), http);
    try {
      SalesSchema.create(served.db());
    } catch (RuntimeException e) {
      served.close();
      throw e;
    }
    SalesLoadGenerator load =
        o.salesPerSecond() > 0
            ? new SalesLoadGenerator(served.jdbcUrl("sales"), o.salesPerSecond()).start()
            : null;
    return new SalesDashboard(served, load);
  }

  /** The dashboard page. */
  String pageUrl() {
    return served.httpUrl("/");
  }

  /** A pgjdbc URL of this database's wire server. */
  String jdbcUrl() {
    return served.jdbcUrl("sales");
  }

  @Override
  public void close() {
    try {
      if (load != null) {
        load.close();
      }
    } finally {
      served.close();
    }
  }

  /**
   * {@code --db FILE} (sales.db), {@code --port N} (54320), {@code --http-port N} (54321), {@code
   * --rate SALES_PER_SECOND} (2; 0: no load), {@code --web DIR} (the page).
   */
  public static void main(String[] args) throws InterruptedException {
    Options options;
    try {
      Flags f = new Flags(args, Set.of("--db", "--port", "--http-port", "--rate", "--web"));
      options =
          new Options(
              Path.of(f.get("--db", "sales.db")).toAbsolutePath(),
              f.integer("--port", WireServer.Options.DEFAULT_PORT),
              f.integer("--http-port", HttpConfig.DEFAULT_PORT),
              f.directory("--web", "examples/sales-dashboard/web", "sales-dashboard/web"),
              f.number("--rate", 2));
    } catch (IllegalArgumentException e) {
      System.err.println("sales-dashboard: " + e.getMessage());
      System.exit(2);
      return;
    }
    SalesDashboard dashboard;
    try {
      dashboard = start(options);
    } catch (Exception e) {
      // A port in use (java.net.BindException) or a database that cannot be opened.
      System.err.println("sales-dashboard: cannot start: " + e);
      System.exit(1);
      return;
    }
    CountDownLatch stopped = ServedDatabase.closeOnExit(dashboard);
    System.out.println("sales-dashboard: " + options.database() + ", " + dashboardLoad(options));
    System.out.println("sales-dashboard: PostgreSQL at " + dashboard.jdbcUrl());
    System.out.println("sales-dashboard: open " + dashboard.pageUrl() + "  (Ctrl-C stops)");
    stopped.await();
  }

  private static String dashboardLoad(Options o) {
    return o.salesPerSecond() > 0
        ? o.salesPerSecond() + " random sales a second over the wire"
        : "no load generator (insert into sales yourself)";
  }
}
