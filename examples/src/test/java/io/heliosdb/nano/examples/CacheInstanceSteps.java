package io.heliosdb.nano.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.examples.InstanceProcess.Report;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: a cache instance in another process (Java or Python), driven key by key through its
 * lines while {@code writer}, in the test's process, changes the rows. Every update and every
 * delete must evict exactly its key there, and the next read must see the change.
 */
final class CacheInstanceSteps {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final int PRODUCTS = 20;

  private CacheInstanceSteps() {}

  /** The schema and products 1 to {@link #PRODUCTS}. */
  static void prepare(HeliosDB writer) throws Exception {
    ProductWriter.createSchema(writer);
    ProductWriter.seed(writer, PRODUCTS);
  }

  /**
   * Caches products 1 to 10 in {@code instance}, then updates the odd ones and deletes the even
   * ones, one at a time: each write evicts its key (and no other) in the instance, and the read
   * after it gets the new row, or none. Then the instance's report lists exactly these
   * invalidations, in order, and finds nothing stale.
   */
  static void everyUpdateAndDeleteEvictsItsKey(HeliosDB writer, InstanceProcess instance)
      throws Exception {
    for (int id = 1; id <= 10; id++) {
      assertThat(instance.request("get " + id, WAIT))
          .startsWith("value " + id + " 0 ")
          .endsWith(" miss");
      assertThat(instance.request("get " + id, WAIT)).endsWith(" hit");
    }
    List<Long> written = new ArrayList<>();
    for (int id = 1; id <= 10; id++) {
      if (id % 2 == 1) {
        writer.execute(
            "UPDATE products SET price_cents = ?, version = ? WHERE id = ?",
            4200 + id,
            100 + id,
            id);
      } else {
        writer.execute("DELETE FROM products WHERE id = ?", id);
      }
      written.add((long) id);
      String key = "cached " + id;
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(5))
          .until(() -> instance.request(key, WAIT), s -> s.equals(key + " no"));
      if (id < 10) {
        assertThat(instance.request("cached " + (id + 1), WAIT))
            .as("the next key is still cached: only the written key is evicted")
            .isEqualTo("cached " + (id + 1) + " yes");
      }
      assertThat(instance.request("get " + id, WAIT))
          .isEqualTo(
              id % 2 == 1
                  ? "value " + id + " " + (100 + id) + " " + (4200 + id) + " miss"
                  : "absent " + id);
    }
    Report report = instance.finish(written.size(), WAIT);
    assertThat(report.ids()).containsExactly(written.stream().mapToLong(Long::longValue).toArray());
    assertThat(report.evicted()).as("invalidations that found the key cached").isEqualTo(10);
    assertThat(report.stale()).isZero();
    assertThat(report.overflows()).isZero();
    assertThat(report.cached()).as("the five updated rows, read again").isEqualTo(5);
  }

  /**
   * The report's check is no formality: with the update trigger dropped, an update does not reach
   * the instance, and the row it caches is reported stale.
   */
  static void aMissedInvalidationIsReportedStale(HeliosDB writer, InstanceProcess instance)
      throws Exception {
    assertThat(instance.request("get 3", WAIT)).endsWith(" miss");
    writer.execute("DROP TRIGGER products_updated");
    writer.execute("UPDATE products SET price_cents = 1, version = 77 WHERE id = 3");
    Report report = instance.finish(0, WAIT);
    assertThat(report.stale()).isEqualTo(1);
    assertThat(report.staleLines()).singleElement().asString().startsWith("stale 3 cached=3,0,");
    assertThat(report.staleLines().get(0)).endsWith("database=3,77,1");
  }
}
