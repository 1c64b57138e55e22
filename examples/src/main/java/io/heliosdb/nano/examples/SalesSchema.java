package io.heliosdb.nano.examples;

import io.heliosdb.nano.HeliosDB;

/**
 * The dashboard's tables and its trigger. Every sale notifies {@code sales_updates} with the sale
 * and the running totals after it, read from {@code sales_totals}, which the same trigger keeps up
 * to date: a page needs only the newest notification to show the right totals, however many sales
 * came before it, and the totals cost one small upsert per sale rather than a scan of {@code
 * sales}. Amounts are whole cents, so that sums stay exact.
 */
final class SalesSchema {
  static final String CHANNEL = "sales_updates";

  static final String SALES =
      "CREATE TABLE IF NOT EXISTS sales("
          + "id INTEGER PRIMARY KEY AUTOINCREMENT, "
          + "region TEXT NOT NULL, "
          + "product TEXT NOT NULL, "
          + "amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0), "
          + "at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))";

  static final String TOTALS =
      "CREATE TABLE IF NOT EXISTS sales_totals("
          + "region TEXT PRIMARY KEY, "
          + "sales INTEGER NOT NULL, "
          + "revenue_cents INTEGER NOT NULL)";

  /**
   * The subquery of per-region totals goes through json() because a subquery drops the JSON type of
   * json_group_object's result: without it the page would receive the object as a string.
   */
  static final String TRIGGER =
      "CREATE TRIGGER IF NOT EXISTS sales_notify AFTER INSERT ON sales BEGIN "
          + "INSERT INTO sales_totals(region, sales, revenue_cents) "
          + "VALUES (NEW.region, 1, NEW.amount_cents) "
          + "ON CONFLICT(region) DO UPDATE SET sales = sales + 1, "
          + "revenue_cents = revenue_cents + excluded.revenue_cents; "
          + "SELECT pg_notify('"
          + CHANNEL
          + "', json_object("
          + "'id', NEW.id, 'region', NEW.region, 'product', NEW.product, "
          + "'amount_cents', NEW.amount_cents, 'at', NEW.at, "
          + "'sales', (SELECT sum(sales) FROM sales_totals), "
          + "'revenue_cents', (SELECT sum(revenue_cents) FROM sales_totals), "
          + "'regions', json((SELECT json_group_object(region, "
          + "json_object('sales', sales, 'revenue_cents', revenue_cents)) FROM sales_totals)))); "
          + "END";

  private SalesSchema() {}

  /** Creates what is missing, in one transaction. */
  static void create(HeliosDB db) {
    db.execute("BEGIN");
    try {
      db.execute(SALES);
      db.execute(TOTALS);
      db.execute(TRIGGER);
      db.execute("COMMIT");
    } catch (RuntimeException e) {
      db.execute("ROLLBACK");
      throw e;
    }
  }
}
