package io.heliosdb.nano.examples;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.HeliosDB;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.Jedis;

/**
 * The writer of the cache-invalidation example: changes {@code products} at a fixed rate, in
 * autocommit statements, and notes when each commit returned ({@link System#nanoTime()}, the
 * machine's monotonic clock, which every process on it reads alike). The {@code AFTER UPDATE} and
 * {@code AFTER DELETE} triggers send the invalidations; with Redis, the writer {@code PUBLISH}es
 * {@code product:<id>} itself once the statement has committed, as an application using Redis for
 * invalidation does.
 *
 * <p>Each write picks a random product: nine in ten that exist are updated (a new price, and the
 * version set to the write's number, so that an older row never looks current), one in ten deleted;
 * a deleted one is inserted again when picked (no invalidation: instances do not cache a missing
 * row).
 */
final class ProductWriter {
  /**
   * The writes that invalidate, in commit order, and what the run did.
   *
   * @param warmUp how many of them are in the warm-up, left out of the latencies
   */
  record Writes(
      long[] ids,
      long[] committedNanos,
      long[] statementNanos,
      int updates,
      int deletes,
      int inserts,
      long elapsedNanos,
      int warmUp) {}

  /** The first second of a run, or its first quarter when shorter, warms the JVMs up. */
  static final double WARM_UP_SECONDS = 1.0;

  private final HeliosDB db;
  private final int products;
  private final Jedis redis;
  private final Random random = new Random();

  ProductWriter(HeliosDB db, int products, Jedis redis) {
    this.db = db;
    this.products = products;
    this.redis = redis;
  }

  /** The table and its two triggers, if missing. */
  static void createSchema(HeliosDB db) {
    db.execute(
        "CREATE TABLE IF NOT EXISTS products(id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            + " price_cents INTEGER NOT NULL, version INTEGER NOT NULL);"
            + " CREATE TRIGGER IF NOT EXISTS products_updated AFTER UPDATE ON products"
            + " BEGIN SELECT NOTIFY('cache_invalidate', 'product:' || NEW.id); END;"
            + " CREATE TRIGGER IF NOT EXISTS products_deleted AFTER DELETE ON products"
            + " BEGIN SELECT NOTIFY('cache_invalidate', 'product:' || OLD.id); END");
  }

  /**
   * Products 1 to {@code n}, those missing inserted (in one transaction: inserts notify nothing).
   */
  static void seed(HeliosDB db, int n) throws SQLException {
    try (HeliosConnection c = db.connection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT OR IGNORE INTO products(id, name, price_cents, version)"
                  + " VALUES (?, ?, ?, 0)")) {
        Random r = new Random(n);
        for (int id = 1; id <= n; id++) {
          ps.setLong(1, id);
          ps.setString(2, "product " + id);
          ps.setLong(3, 100 + r.nextInt(100_000));
          ps.executeUpdate();
        }
      }
      c.commit();
    }
  }

  /** Writes {@code perSecond} times a second for {@code seconds}. */
  Writes run(double perSecond, double seconds) {
    int total = (int) Math.round(perSecond * seconds);
    long[] ids = new long[total];
    long[] committed = new long[total];
    long[] took = new long[total];
    int n = 0;
    int updates = 0;
    int deletes = 0;
    int inserts = 0;
    BitSet deleted = deletedIds();
    long version = maxVersion();
    long interval = (long) (1e9 / perSecond);
    long start = System.nanoTime();
    long warmUpEnd = start + (long) (Math.min(WARM_UP_SECONDS, seconds / 4) * 1e9);
    int warmUp = 0;
    long next = start;
    int written = 0;
    while (written < total) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
        continue;
      }
      next += interval; // behind schedule (a pause): the next writes go at once, none is dropped
      written++;
      long id = 1 + random.nextInt(products);
      long before = System.nanoTime();
      if (deleted.get((int) id)) {
        db.execute(
            "INSERT INTO products(id, name, price_cents, version) VALUES (?, ?, ?, ?)",
            id,
            "product " + id,
            price(),
            ++version);
        deleted.clear((int) id);
        inserts++;
        continue;
      }
      if (random.nextInt(10) == 0) {
        db.execute("DELETE FROM products WHERE id = ?", id);
        deleted.set((int) id);
        deletes++;
      } else {
        db.execute(
            "UPDATE products SET price_cents = ?, version = ? WHERE id = ?",
            price(),
            ++version,
            id);
        updates++;
      }
      long after = System.nanoTime();
      if (redis != null) {
        redis.publish(CacheInstance.CHANNEL, CacheInstance.KEY_PREFIX + id);
      }
      if (before < warmUpEnd) {
        warmUp = n + 1;
      }
      ids[n] = id;
      committed[n] = after;
      took[n++] = after - before;
    }
    return new Writes(
        Arrays.copyOf(ids, n),
        Arrays.copyOf(committed, n),
        Arrays.copyOf(took, n),
        updates,
        deletes,
        inserts,
        System.nanoTime() - start,
        warmUp);
  }

  private long price() {
    return 100 + random.nextInt(100_000);
  }

  private BitSet deletedIds() {
    BitSet missing = new BitSet(products + 1);
    missing.set(1, products + 1);
    for (var row : db.query("SELECT id FROM products WHERE id <= ?", products)) {
      missing.clear(((Number) row.get("id")).intValue());
    }
    return missing;
  }

  private long maxVersion() {
    Object v = db.query("SELECT max(version) AS v FROM products").get(0).get("v");
    return v == null ? 0 : ((Number) v).longValue();
  }
}
