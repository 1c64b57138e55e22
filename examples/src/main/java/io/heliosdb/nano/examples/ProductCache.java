package io.heliosdb.nano.examples;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * An application instance's in-memory cache of {@code products} rows: filled lazily by reads,
 * emptied key by key by invalidations.
 *
 * <p>A read that misses loads the row from the database and puts it in the map, unless the key was
 * invalidated while it was loading. Without that check, a read that loaded the row just before an
 * update committed, and put it in the map just after the update's invalidation removed nothing,
 * would keep the old row until the next invalidation of that key, however long that takes: the
 * classic race of cache-aside with invalidation. Each key therefore has an invalidation count,
 * bumped by {@link #evict}, and a load is kept only when the count is the one it started with; both
 * happen in {@link ConcurrentHashMap#compute} of that key, so they are atomic with respect to each
 * other.
 */
final class ProductCache {
  /** A row of {@code products}, as the cache keeps it. */
  record Product(long id, String name, long priceCents, long version) {
    String line() {
      return id + " " + version + " " + priceCents;
    }
  }

  private final ConcurrentHashMap<Long, Product> entries = new ConcurrentHashMap<>();

  /** Invalidations seen per key; only touched inside {@code entries.compute} of that key. */
  private final Map<Long, Long> invalidations = new ConcurrentHashMap<>();

  /** Bumped by {@link #clear}: loads under way before it are not kept either. */
  private final AtomicLong clears = new AtomicLong();

  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong discardedLoads = new AtomicLong();

  /** What a read returned, and whether the map had it. */
  record Read(Product product, boolean hit) {}

  /**
   * The cached row of {@code id}, else the one {@code loader} reads from the database (null: no
   * such row, which is not cached: only updates and deletes invalidate, so an insert would not).
   */
  Read get(long id, LongFunction<Product> loader) {
    Product cached = entries.get(id);
    if (cached != null) {
      hits.incrementAndGet();
      return new Read(cached, true);
    }
    misses.incrementAndGet();
    long cleared = clears.get();
    long seen = invalidationsOf(id);
    Product loaded = loader.apply(id);
    if (loaded != null) {
      entries.compute(
          id,
          (k, current) -> {
            if (invalidationsOf(k) != seen || clears.get() != cleared) {
              discardedLoads.incrementAndGet();
              return current; // invalidated while loading: what we read may be older than that
            }
            return current != null ? current : loaded;
          });
    }
    return new Read(loaded, false);
  }

  private long invalidationsOf(long id) {
    return invalidations.getOrDefault(id, 0L);
  }

  /** Removes {@code id}; true when it was cached. Loads of it under way are not kept. */
  boolean evict(long id) {
    boolean[] removed = {false};
    entries.compute(
        id,
        (k, current) -> {
          invalidations.merge(k, 1L, Long::sum);
          removed[0] = current != null;
          return null;
        });
    return removed[0];
  }

  /**
   * Forgets everything: for when invalidations may have been lost (an overflow of the
   * subscription's queue, a lost connection), so that nothing stale can stay.
   */
  void clear() {
    clears.incrementAndGet();
    for (Long id : entries.keySet()) {
      evict(id);
    }
  }

  /** The cached row of {@code id}, without loading; null when not cached. */
  Product peek(long id) {
    return entries.get(id);
  }

  /** A snapshot of what is cached. */
  Map<Long, Product> snapshot() {
    return Map.copyOf(entries);
  }

  long hits() {
    return hits.get();
  }

  long misses() {
    return misses.get();
  }

  /** Loads not kept because their key was invalidated while they read the database. */
  long discardedLoads() {
    return discardedLoads.get();
  }
}
