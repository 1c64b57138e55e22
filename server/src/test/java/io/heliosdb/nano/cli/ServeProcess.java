package io.heliosdb.nano.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test helper: {@code heliosdb serve --config FILE} in a child JVM ({@link ChildJvm}), its output
 * in a log file, its ports read from the start lines; {@link #kill()} is a SIGKILL of that JVM.
 */
final class ServeProcess implements AutoCloseable {
  private static final Pattern WIRE =
      Pattern.compile("heliosdb: serving .+ at postgresql://127\\.0\\.0\\.1:(\\d+) ");
  private static final Pattern HTTP =
      Pattern.compile("heliosdb: HTTP at http://127\\.0\\.0\\.1:(\\d+) ");

  private final Process process;
  private final int wirePort;
  private final int httpPort;
  private volatile boolean killed;

  private ServeProcess(Process process, int wirePort, int httpPort) {
    this.process = process;
    this.wirePort = wirePort;
    this.httpPort = httpPort;
  }

  /** Starts the server and waits until both its ports are listening (it prints them then). */
  static ServeProcess start(Path config, Path log) throws IOException {
    Process process =
        ChildJvm.heliosdb("serve", "--config", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> !process.isAlive() || HTTP.matcher(read(log)).find());
      String out = read(log);
      assertThat(process.isAlive()).as("heliosdb serve is running: %s", out).isTrue();
      assertThat(process.info().command())
          .as("the process killed is the JVM, not a shell")
          .hasValueSatisfying(c -> assertThat(Path.of(c).getFileName()).hasToString("java"));
      Matcher wire = WIRE.matcher(out);
      Matcher http = HTTP.matcher(out);
      assertThat(wire.find() && http.find()).as("the start lines: %s", out).isTrue();
      return new ServeProcess(
          process, Integer.parseInt(wire.group(1)), Integer.parseInt(http.group(1)));
    } catch (RuntimeException | Error e) {
      process.destroyForcibly(); // a server that did not start as expected does not linger
      throw e;
    }
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + wirePort + "/heliosdb";
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + httpPort + pathAndQuery);
  }

  /** Whether {@link #kill()} was called: a client's failure after it is expected. */
  boolean killed() {
    return killed;
  }

  /** SIGKILL: no shutdown hook, no close of the database; waits until the JVM is gone. */
  void kill() throws InterruptedException {
    killed = true;
    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the server died").isTrue();
    assertThat(process.exitValue()).as("128 + 9: died of SIGKILL").isEqualTo(137);
  }

  /** Whatever happened, no server outlives the test: SIGKILL when still running. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      killed = true;
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static String read(Path log) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
