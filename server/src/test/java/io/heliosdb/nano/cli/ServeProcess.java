package io.heliosdb.nano.cli;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test helper: {@code heliosdb serve} in a child JVM, as the launcher starts it (the JVM options
 * first, then {@code serve} and its arguments), with its output collected line by line.
 */
final class ServeProcess implements AutoCloseable {
  private static final Pattern WIRE = Pattern.compile("postgresql://127\\.0\\.0\\.1:(\\d+)");
  private static final Pattern HTTP = Pattern.compile("HTTP at http://127\\.0\\.0\\.1:(\\d+)");

  final Process process;
  private final List<String> lines = new ArrayList<>();
  final int port;
  final int httpPort;

  private ServeProcess(List<String> jvmOptions, String... serveArgs) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.add("serve");
    cmd.addAll(List.of(serveArgs));
    process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  synchronized (lines) {
                    lines.add(line);
                  }
                }
              } catch (IOException e) {
                // the child is gone
              }
            },
            "serve-process-output");
    reader.setDaemon(true);
    reader.start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> output().contains("heliosdb: memory budget") || !process.isAlive());
    port = group(WIRE);
    httpPort = group(HTTP);
  }

  /** Starts the child; waits until its start-up lines are out. */
  static ServeProcess start(List<String> jvmOptions, String... serveArgs) throws IOException {
    return new ServeProcess(jvmOptions, serveArgs);
  }

  /** Everything the child printed so far (standard output and error). */
  String output() {
    synchronized (lines) {
      return String.join("\n", lines) + "\n";
    }
  }

  private int group(Pattern p) {
    Matcher m = p.matcher(output());
    if (!m.find()) {
      throw new AssertionError("no start line in the child's output:\n" + output());
    }
    return Integer.parseInt(m.group(1));
  }

  /** GET of a path on the HTTP port: the body (status 200 expected by the caller). */
  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(30))
                .build(),
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

  /** Stops the child with SIGTERM (a graceful stop) and returns its exit status. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }
}
