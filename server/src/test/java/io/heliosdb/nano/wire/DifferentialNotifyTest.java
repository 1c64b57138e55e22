package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosDB;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same LISTEN/NOTIFY scenarios through pgjdbc against a real PostgreSQL 15 and against our
 * server: what the clients observe must be the same, line for line.
 */
class DifferentialNotifyTest {
  @TempDir static Path dir;
  private static PostgresServer postgres;
  private static WireServer ours;

  @BeforeAll
  static void start() throws Exception {
    postgres = PostgresServer.start();
    ours = WireServer.start(HeliosDB.open(dir.resolve("diff.db")), WireServer.Options.loopback(0));
  }

  @AfterAll
  static void stop() throws Exception {
    if (ours != null) {
      ours.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> clientsObserveWhatPostgresClientsObserve() {
    return scenarios("&preferQueryMode=simple");
  }

  /** The same scenarios with pgjdbc in its default mode: the extended query protocol. */
  @TestFactory
  Stream<DynamicTest> clientsInDefaultModeObserveWhatPostgresClientsObserve() {
    return scenarios("");
  }

  private static Stream<DynamicTest> scenarios(String options) {
    String pgUrl = postgres.jdbcUrl() + options;
    String ourUrl = "jdbc:postgresql://127.0.0.1:" + ours.port() + "/diff?user=test" + options;
    return NotifyScenarios.all().entrySet().stream()
        .map(
            (Map.Entry<String, NotifyScenarios.Scenario> e) ->
                DynamicTest.dynamicTest(
                    e.getKey(),
                    () -> {
                      List<String> expected = NotifyScenarios.observe(pgUrl, e.getValue());
                      List<String> actual = NotifyScenarios.observe(ourUrl, e.getValue());
                      assertThat(actual).as("PostgreSQL saw %s", expected).isEqualTo(expected);
                    }));
  }
}
