package io.heliosdb.nano.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.wire.WireServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/cache-invalidation/cache_instance.py (psycopg 3) against the wire server, served in this
 * process as {@code heliosdb serve} serves it. Without Debian's python3-psycopg the tests are
 * skipped, except under {@code CI=true}, where they fail: .ci/run installs it.
 */
class CacheInvalidationPythonTest {
  private static final String PYTHON = "/usr/bin/python3";
  private static final Path SCRIPT =
      Path.of("cache-invalidation", "cache_instance.py").toAbsolutePath();

  @TempDir Path dir;
  private HeliosDB db;
  private WireServer server;
  private InstanceProcess instance;

  @BeforeEach
  void serve() throws Exception {
    requirePsycopg();
    db = HeliosDB.open(dir.resolve("shop.db"));
    server = WireServer.start(db, WireServer.Options.loopback(0));
  }

  @AfterEach
  void stop() throws Exception {
    if (instance != null) {
      instance.close();
    }
    if (server != null) {
      server.close();
    }
    if (db != null) {
      db.close();
    }
  }

  private String dsn() {
    return "host=127.0.0.1 port=" + server.port() + " dbname=shop user=tester";
  }

  private InstanceProcess pythonInstance() throws Exception {
    instance =
        InstanceProcess.start(
            "python instance",
            List.of(
                PYTHON,
                SCRIPT.toString(),
                "--instance",
                "--dsn",
                dsn(),
                "--products",
                Integer.toString(CacheInstanceSteps.PRODUCTS),
                "--reads-per-second",
                "0"));
    instance.awaitReady(CacheInstanceSteps.WAIT);
    return instance;
  }

  @Test
  void everyUpdateAndDeleteEvictsTheKeyInThePythonProcess() throws Exception {
    CacheInstanceSteps.prepare(db);
    CacheInstanceSteps.everyUpdateAndDeleteEvictsItsKey(db, pythonInstance());
  }

  @Test
  void aCachedRowWhoseInvalidationNeverCameIsReportedStale() throws Exception {
    CacheInstanceSteps.prepare(db);
    CacheInstanceSteps.aMissedInvalidationIsReportedStale(db, pythonInstance());
  }

  @Test
  void theScenarioOverTheWireDeliversEveryInvalidationAndServesNothingStale() throws Exception {
    Path log = dir.resolve("scenario.log");
    Process p =
        new ProcessBuilder(
                PYTHON,
                SCRIPT.toString(),
                "--dsn",
                dsn(),
                "--instances",
                "2",
                "--products",
                "100",
                "--updates-per-second",
                "100",
                "--seconds",
                "3",
                "--reads-per-second",
                "500")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean ended = p.waitFor(120, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(ended).as(out).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    Matcher m =
        Pattern.compile(
                "2 instances, 300 writes .*; invalidations (\\d+) of (\\d+) delivered, 0 lost"
                    + " \\((\\d+) evicted a cached row\\); stale reads 0 \\((\\d+) cached rows"
                    + " checked, \\d+ loads discarded by the race guard\\); latency .*"
                    + " p50 -?\\d+ µs, p99 -?\\d+ µs")
            .matcher(out);
    assertThat(m.find()).as(out).isTrue();
    assertThat(m.group(1)).isEqualTo(m.group(2));
    assertThat(Long.parseLong(m.group(2))).as("two instances, one per write").isPositive().isEven();
    assertThat(Long.parseLong(m.group(3))).isPositive();
    assertThat(Long.parseLong(m.group(4))).isPositive();
    assertThat(out.strip().lines().count()).as("one line: %s", out).isEqualTo(1);
  }

  private static void requirePsycopg() throws Exception {
    boolean present = false;
    if (Files.isExecutable(Path.of(PYTHON))) {
      Process p = new ProcessBuilder(PYTHON, "-c", "import psycopg").start();
      present = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
    if (!present) {
      String what = PYTHON + " with psycopg 3 (Debian: python3-psycopg)";
      if ("true".equals(System.getenv("CI"))) {
        fail(what + " is missing (CI=true: .ci/run must install it)");
      }
      assumeTrue(false, what + " is missing");
    }
  }
}
