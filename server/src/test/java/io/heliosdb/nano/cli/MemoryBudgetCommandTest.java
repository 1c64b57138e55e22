package io.heliosdb.nano.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory budget of {@code heliosdb serve}: the JVM options the launcher asks for, computed from
 * the same configuration and flags as serve; the start line; and a child JVM started with them.
 */
class MemoryBudgetCommandTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** The edge device's [database] and [pubsub], unchanged. */
  private Path edgeConfig() throws Exception {
    Path config = dir.resolve("edge.toml");
    Files.writeString(
        config,
        "[database]\n"
            + "path = \"edge.db\"\n"
            + "memory_limit_mb = 64\n"
            + "page_size = 512\n"
            + "enable_wal = true\n"
            + "\n"
            + "[pubsub]\n"
            + "enabled = true\n"
            + "max_channels = 50\n"
            + "max_payload_bytes = 1024\n");
    return config;
  }

  private int run(String... args) {
    return Main.run(
        new ByteArrayInputStream(new byte[0]),
        false,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        args);
  }

  @Test
  void theLauncherGetsHeapAndDirectMemoryFromTheDatabasesMemoryLimit() throws Exception {
    assertThat(run("serve", "--config", edgeConfig().toString(), "--print-jvm-options")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("-Xmx42m -XX:MaxDirectMemorySize=28m -Dio.netty.maxDirectMemory=29360128\n");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void withoutAConfigurationTheDefaultBudgetIs384Mib() {
    assertThat(run("serve", "--db", dir.resolve("a.db").toString(), "--print-jvm-options"))
        .isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .startsWith("-Xmx114m -XX:MaxDirectMemorySize=76m ");
  }

  @Test
  void theServerKeyAndTheFlagSetTheWholeBudgetAndTheFlagWins() throws Exception {
    Path config = dir.resolve("s.toml");
    Files.writeString(config, "[server]\nmemory_limit_mb = 1104\n");
    assertThat(run("serve", "--config", config.toString(), "--print-jvm-options")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .startsWith("-Xmx384m -XX:MaxDirectMemorySize=256m ");
    out.reset();
    assertThat(
            run(
                "serve",
                "--config",
                config.toString(),
                "--memory-limit-mb",
                "2128",
                "--print-jvm-options"))
        .isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .startsWith("-Xmx768m -XX:MaxDirectMemorySize=512m ");
  }

  @Test
  void aBudgetTooSmallForTheJvmIsAOneLineErrorWithExitTwo() throws Exception {
    Path config = dir.resolve("s.toml");
    Files.writeString(config, "[server]\nport = 0\nmemory_limit_mb = 64\n");
    assertThat(run("serve", "--config", config.toString(), "--print-jvm-options")).isEqualTo(2);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "heliosdb: "
                + config
                + ":3: server.memory_limit_mb = 64 is out of range: must be from 160 to 1048576"
                + " (MiB)\n");
  }

  /** In this JVM (the test's, not sized by the budget) serve says so and warns. */
  @Test
  void serveStatesItsBudgetAndWarnsWhenTheJvmAllowsMore() throws Exception {
    assumeThat(Runtime.getRuntime().maxMemory()).isGreaterThan(64L << 20);
    CompletableFuture<Void> stop = new CompletableFuture<>();
    CompletableFuture<Integer> status =
        CompletableFuture.supplyAsync(
            () ->
                Main.run(
                    new ByteArrayInputStream(new byte[0]),
                    false,
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8),
                    stop,
                    "serve",
                    "--config",
                    edgeConfigUnchecked(),
                    "--port",
                    "0",
                    "--http-port",
                    "0"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> out.toString(StandardCharsets.UTF_8).contains("memory budget"));
    long heapMib = Runtime.getRuntime().maxMemory() >> 20;
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains(
            "\nheliosdb: memory budget 192 MiB ([database] memory_limit_mb + 128 = 192): heap "
                + heapMib
                + " MiB, direct memory ");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> err.toString(StandardCharsets.UTF_8).contains("WARNING"));
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("heliosdb: WARNING: this JVM allows a heap of " + heapMib + " MiB")
        .contains("more than the memory budget's 42 and 28 MiB")
        .contains("-Xmx42m -XX:MaxDirectMemorySize=28m");
    stop.complete(null);
    assertThat(status.get(30, TimeUnit.SECONDS)).isZero();
  }

  /**
   * What {@code ./heliosdb serve} does: ask for the options, then start the server's JVM with them.
   * The child states the limits it runs with, which are the budget's, and /metrics shows them.
   */
  @Test
  void aServerStartedWithTheComputedOptionsRunsWithinThemAndReportsItsMemory() throws Exception {
    Path config = edgeConfig();
    Files.writeString(
        config, "[monitoring]\nmetrics_enabled = true\n", java.nio.file.StandardOpenOption.APPEND);
    assertThat(run("serve", "--config", config.toString(), "--print-jvm-options")).isZero();
    List<String> options = Arrays.asList(out.toString(StandardCharsets.UTF_8).trim().split(" "));
    try (ServeProcess child =
        ServeProcess.start(
            options, "--config", config.toString(), "--port", "0", "--http-port", "0")) {
      assertThat(child.output())
          .contains(
              "heliosdb: memory budget 192 MiB ([database] memory_limit_mb + 128 = 192): heap 42"
                  + " MiB, direct memory 28 MiB, up to 100 sessions\n")
          .doesNotContain("WARNING");
      assertThat(child.metric("jvm_memory_max_bytes{area=\"heap\"}")).isEqualTo(42.0 * 1024 * 1024);
      assertThat(child.metric("jvm_buffer_pool_used_bytes{pool=\"direct\"}")).isPositive();
      assertThat(child.metric("process_resident_memory_bytes")).isPositive();
      assertThat(child.metric("heliosdb_wire_buffered_bytes")).isZero();
      assertThat(child.metric("heliosdb_wire_session_buffered_bytes_max")).isZero();
      assertThat(child.stop()).as(child.output()).isIn(0, 143); // 143: ended by SIGTERM
    }
  }

  private String edgeConfigUnchecked() {
    try {
      return edgeConfig().toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
