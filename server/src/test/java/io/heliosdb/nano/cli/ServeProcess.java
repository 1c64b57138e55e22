package io.heliosdb.nano.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test helper: {@code heliosdb serve} in a child JVM ({@link ChildJvm}), started as the launcher
 * starts it (JVM options first), its output in a log file, its ports read from the start lines.
 * {@link #kill()} is a SIGKILL of that JVM, {@link #stop()} a SIGTERM; no server outlives the test.
 */
final class ServeProcess implements AutoCloseable {
  private static final Pattern WIRE =
      Pattern.compile("heliosdb: serving .+ at postgresql://127\\.0\\.0\\.1:(\\d+) ");
  private static final Pattern HTTP =
      Pattern.compile("heliosdb: HTTP at http://127\\.0\\.0\\.1:(\\d+) ");

  /** The last of the start lines: the server is listening on both ports when it is out. */
  private static final String STARTED = "heliosdb: memory budget";

  final Process process;
  private final Path log;
  final int port;

  /** The HTTP port, -1 when the server serves no HTTP. */
  final int httpPort;

  private volatile boolean killed;

  /** One client for every request: a client per request left a connection open per request. */
  private final HttpClient http = HttpClient.newHttpClient();

  private ServeProcess(Process process, Path log, int port, int httpPort) {
    this.process = process;
    this.log = log;
    this.port = port;
    this.httpPort = httpPort;
  }

  /** {@code heliosdb serve --config FILE}, its output to {@code log}. */
  static ServeProcess start(Path config, Path log) throws IOException {
    return start(List.of(), log, "--config", config.toString());
  }

  /** {@code java jvmOptions... heliosdb serve serveArgs...}, its output to a temporary file. */
  static ServeProcess start(List<String> jvmOptions, String... serveArgs) throws IOException {
    Path log = Files.createTempFile("heliosdb-serve", ".log");
    log.toFile().deleteOnExit();
    return start(jvmOptions, log, serveArgs);
  }

  private static ServeProcess start(List<String> jvmOptions, Path log, String... serveArgs)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("serve"));
    args.addAll(List.of(serveArgs));
    Process process =
        ChildJvm.heliosdb(jvmOptions, args.toArray(String[]::new))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> !process.isAlive() || read(log).contains(STARTED));
      String out = read(log);
      assertThat(process.isAlive()).as("heliosdb serve is running: %s", out).isTrue();
      assertThat(process.info().command())
          .as("the process is the JVM, not a shell")
          .hasValueSatisfying(c -> assertThat(Path.of(c).getFileName()).hasToString("java"));
      Matcher wire = WIRE.matcher(out);
      assertThat(wire.find()).as("the start lines: %s", out).isTrue();
      Matcher http = HTTP.matcher(out);
      return new ServeProcess(
          process,
          log,
          Integer.parseInt(wire.group(1)),
          http.find() ? Integer.parseInt(http.group(1)) : -1);
    } catch (RuntimeException | Error e) {
      process.destroyForcibly(); // a server that did not start as expected does not linger
      throw e;
    }
  }

  /** Everything the child printed so far (standard output and error). */
  String output() {
    return read(log);
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/heliosdb";
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + httpPort + pathAndQuery);
  }

  /** GET of a path on the HTTP port. */
  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The value of a sample line of /metrics, e.g. {@code jvm_memory_max_bytes{area="heap"}}. */
  double metric(String sample) throws IOException, InterruptedException {
    for (String line : get("/metrics").body().split("\n")) {
      if (line.startsWith(sample + " ")) {
        return Double.parseDouble(line.substring(sample.length() + 1));
      }
    }
    throw new AssertionError("no " + sample + " in /metrics");
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

  /** SIGTERM (a graceful stop); the exit status. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    return process.exitValue();
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
