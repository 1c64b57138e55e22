package io.heliosdb.nano.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.examples.CacheInvalidation.Options;
import io.heliosdb.nano.examples.CacheInvalidation.Summary;
import io.heliosdb.nano.examples.InstanceProcess.Report;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The cache-invalidation example with its instances in child JVMs (this test's class path) on the
 * test's database file, with cross-process delivery: key by key, and the whole scenario of {@code
 * ./examples/run cache-invalidation}.
 */
class CacheInvalidationTest {
  private static final Path REDIS_SERVER = Path.of("/usr/bin/redis-server");

  @TempDir Path dir;
  private final List<InstanceProcess> instances = new ArrayList<>();
  private Process redis;

  @AfterEach
  void stop() throws Exception {
    for (InstanceProcess p : instances) {
      p.close();
    }
    if (redis != null) {
      redis.destroy();
      redis.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private HeliosDB writer() {
    return HeliosDB.open(CacheInstance.config(dir.resolve("shop.db"), true));
  }

  private InstanceProcess javaInstance() throws Exception {
    InstanceProcess p =
        InstanceProcess.start(
            "java instance",
            InstanceProcess.java(
                CacheInstance.class,
                List.of(
                    "--db",
                    dir.resolve("shop.db").toString(),
                    "--products",
                    Integer.toString(CacheInstanceSteps.PRODUCTS),
                    "--reads-per-second",
                    "0")));
    instances.add(p);
    p.awaitReady(CacheInstanceSteps.WAIT);
    return p;
  }

  @Test
  void everyUpdateAndDeleteEvictsTheKeyInTheOtherProcess() throws Exception {
    try (HeliosDB db = writer()) {
      CacheInstanceSteps.prepare(db);
      CacheInstanceSteps.everyUpdateAndDeleteEvictsItsKey(db, javaInstance());
    }
  }

  @Test
  void aCachedRowWhoseInvalidationNeverCameIsReportedStale() throws Exception {
    try (HeliosDB db = writer()) {
      CacheInstanceSteps.prepare(db);
      CacheInstanceSteps.aMissedInvalidationIsReportedStale(db, javaInstance());
    }
  }

  @Test
  void twoInstancesUnderLoadEachGetEveryInvalidationInCommitOrderAndServeNothingStale()
      throws Exception {
    Summary s =
        CacheInvalidation.run(new Options(dir.resolve("shop.db"), 2, 100, 100, 3, 2000, null));
    assertScenario(s);
    assertThat(s.line())
        .startsWith("cache-invalidation (NOTIFY across processes): 2 instances, 300 writes");
  }

  @Test
  void theRedisReferenceMeasuresTheSameScenario() throws Exception {
    if ("true".equals(System.getenv("CI"))) {
      assertThat(REDIS_SERVER).as("CI=true: .ci/run installs redis-server").isExecutable();
    }
    assumeTrue(Files.isExecutable(REDIS_SERVER), REDIS_SERVER + " is missing");
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    redis =
        new ProcessBuilder(
                REDIS_SERVER.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    int p = port;
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> {
              try (Jedis j = new Jedis("127.0.0.1", p)) {
                return j.ping().equals("PONG");
              }
            });
    Summary s =
        CacheInvalidation.run(
            new Options(dir.resolve("shop.db"), 2, 100, 100, 3, 2000, "127.0.0.1:" + port));
    assertScenario(s);
    assertThat(s.line()).startsWith("cache-invalidation (Redis PUBLISH/SUBSCRIBE): 2 instances");
  }

  /**
   * Every instance received every invalidating write, in the writer's commit order, evicting rows
   * it had cached; none of the rows it caches at the end differs from the database.
   */
  private static void assertScenario(Summary s) {
    assertThat(s.writes().updates() + s.writes().deletes() + s.writes().inserts()).isEqualTo(300);
    assertThat(s.writes().deletes()).isPositive();
    assertThat(s.reports()).hasSize(2);
    for (Report r : s.reports()) {
      assertThat(r.ids()).as(r.name()).containsExactly(s.writes().ids());
      assertThat(r.overflows()).isZero();
      assertThat(r.stale()).as("stale rows of %s: %s", r.name(), r.staleLines()).isZero();
      assertThat(r.cached()).as("rows checked").isPositive();
      assertThat(r.evicted()).as("invalidations that evicted a cached row").isPositive();
    }
    assertThat(s.lost()).isZero();
    assertThat(s.delivered()).isEqualTo(s.expected());
    assertThat(s.staleReads()).isZero();
    assertThat(s.ok()).isTrue();
    assertThat(s.latencyMicros()).isNotEmpty();
    assertThat(s.line()).contains(", 0 lost (").contains("stale reads 0 (");
  }

  @Test
  void flagsAreChecked() {
    Options o =
        CacheInvalidation.options(
            new String[] {"--instances", "3", "--updates-per-second", "50", "--seconds", "2.5"});
    assertThat(o.instances()).isEqualTo(3);
    assertThat(o.writesPerSecond()).isEqualTo(50);
    assertThat(o.seconds()).isEqualTo(2.5);
    assertThat(o.products()).isEqualTo(1000);
    assertThat(o.database().getFileName()).hasToString("cache-invalidation.db");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> CacheInvalidation.options(new String[] {"--redis", "localhost"}))
        .hasMessageContaining("HOST:PORT");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> CacheInvalidation.options(new String[] {"--instances", "0"}))
        .hasMessageContaining("--instances");
  }
}
