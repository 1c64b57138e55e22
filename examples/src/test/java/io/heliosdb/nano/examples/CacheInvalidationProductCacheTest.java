package io.heliosdb.nano.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.examples.ProductCache.Product;
import org.junit.jupiter.api.Test;

/** The cache of the cache-invalidation example, and the race of a load with an invalidation. */
class CacheInvalidationProductCacheTest {
  private final ProductCache cache = new ProductCache();

  private static Product row(long id, long version) {
    return new Product(id, "product " + id, 100, version);
  }

  @Test
  void aMissLoadsAndKeepsTheRowTheNextReadHits() {
    assertThat(cache.get(1, id -> row(id, 1))).isEqualTo(new ProductCache.Read(row(1, 1), false));
    assertThat(cache.get(1, id -> row(id, 2))).isEqualTo(new ProductCache.Read(row(1, 1), true));
    assertThat(cache.hits()).isEqualTo(1);
    assertThat(cache.misses()).isEqualTo(1);
  }

  @Test
  void anEvictionRemovesOnlyItsKey() {
    cache.get(1, id -> row(id, 1));
    cache.get(2, id -> row(id, 1));
    assertThat(cache.evict(1)).isTrue();
    assertThat(cache.evict(1)).as("no longer cached").isFalse();
    assertThat(cache.peek(1)).isNull();
    assertThat(cache.peek(2)).isEqualTo(row(2, 1));
    assertThat(cache.get(1, id -> row(id, 2)).product()).isEqualTo(row(1, 2));
  }

  @Test
  void aRowLoadedBeforeAnInvalidationThatArrivedDuringTheLoadIsNotKept() {
    // The load read version 1; the update to version 2 committed and its invalidation arrived
    // before the load put the row in the map: keeping it would keep version 1 indefinitely.
    ProductCache.Read r =
        cache.get(
            7,
            id -> {
              cache.evict(id);
              return row(id, 1);
            });
    assertThat(r).isEqualTo(new ProductCache.Read(row(7, 1), false));
    assertThat(cache.peek(7)).isNull();
    assertThat(cache.discardedLoads()).isEqualTo(1);
    assertThat(cache.get(7, id -> row(id, 2)).product()).isEqualTo(row(7, 2));
    assertThat(cache.peek(7)).isEqualTo(row(7, 2));
  }

  @Test
  void aClearDuringALoadDiscardsItToo() {
    cache.get(
        8,
        id -> {
          cache.clear();
          return row(id, 1);
        });
    assertThat(cache.peek(8)).isNull();
  }

  @Test
  void aMissingRowIsNotCached() {
    assertThat(cache.get(9, id -> null).product()).isNull();
    assertThat(cache.snapshot()).isEmpty();
  }
}
