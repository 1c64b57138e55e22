package io.heliosdb.nano.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.config.HeliosConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code heliosdb listen}: follows the durable log that other connections and processes write. */
class ListenCommandTest {
  @TempDir Path dir;

  private Path file() {
    return dir.resolve("shop.db");
  }

  private HeliosDB writer() {
    return HeliosDB.open(HeliosConfig.builder().path(file()).durableChannels("orders").build());
  }

  /** A running {@code heliosdb listen}: its output so far, and how to stop it. */
  record Running(
      ByteArrayOutputStream out, CompletableFuture<Void> stop, CompletableFuture<Integer> status) {
    String text() {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  private static Running listen(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    CompletableFuture<Void> stop = new CompletableFuture<>();
    CompletableFuture<Integer> status =
        CompletableFuture.supplyAsync(
            () -> Main.run(new ByteArrayInputStream(new byte[0]), false, ps, ps, stop, args));
    return new Running(out, stop, status);
  }

  @Test
  void replaysAfterTheIdThenFollowsNewCommits() throws Exception {
    try (HeliosDB w = writer()) {
      w.pubsub().notify("orders", "one");
      w.pubsub().notify("orders", "two \"quoted\"");
      Running r = listen("listen", "--db", file().toString(), "--from-id", "1", "orders");
      await().atMost(Duration.ofSeconds(10)).until(() -> r.text().contains("\"id\":2"));
      w.pubsub().notify("orders", "three");
      w.pubsub().notify("other", "not followed");
      await().atMost(Duration.ofSeconds(10)).until(() -> r.text().contains("\"id\":3"));
      r.stop().complete(null);
      assertThat(r.status().get(10, TimeUnit.SECONDS)).isZero();
      assertThat(r.text().replaceAll("\"sender_pid\":\\d+", "\"sender_pid\":n").lines())
          .containsExactly(
              "{\"id\":2,\"channel\":\"orders\",\"payload\":\"two \\\"quoted\\\"\",\"sender_pid\":n}",
              "{\"id\":3,\"channel\":\"orders\",\"payload\":\"three\",\"sender_pid\":n}");
    }
  }

  @Test
  void printsWhatAnotherProcessCommits() throws Exception {
    try (HeliosDB w = writer()) {
      w.pubsub().notify("orders", "before");
    }
    Path config = dir.resolve("writer.toml");
    Files.writeString(
        config,
        "[database]\npath = \"" + file() + "\"\n[pubsub]\ndurable_channels = [\"orders\"]\n");
    // From id 1 on, so that the child's notification shows however the start-up timing falls.
    Running r = listen("listen", "--db", file().toString(), "--from-id", "1", "orders");
    Process child =
        ChildJvm.heliosdb(
                "sql",
                "--config",
                config.toString(),
                "-c",
                "SELECT pg_notify('orders', 'from another process')")
            .redirectErrorStream(true)
            .start();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).isZero();
    await().atMost(Duration.ofSeconds(10)).until(() -> r.text().contains("from another process"));
    r.stop().complete(null);
    assertThat(r.status().get(10, TimeUnit.SECONDS)).isZero();
    assertThat(r.text()).doesNotContain("before").contains("\"id\":2,");
  }

  @Test
  void aFileWithoutADurableLogAndABadIdAreOneLineErrors() throws Exception {
    try (HeliosDB w = HeliosDB.open(file())) {
      w.execute("CREATE TABLE t(x)");
    }
    Running noLog = listen("listen", "--db", file().toString(), "orders");
    assertThat(noLog.status().get(10, TimeUnit.SECONDS)).isEqualTo(2);
    assertThat(noLog.text())
        .isEqualTo("heliosdb: cannot follow " + file() + ": it has no durable log yet\n");

    Running badId = listen("listen", "--db", file().toString(), "--from-id", "-3", "orders");
    assertThat(badId.status().get(10, TimeUnit.SECONDS)).isEqualTo(2);
    assertThat(badId.text()).isEqualTo("heliosdb: --from-id must be 0 or more\n");
  }
}
