package io.heliosdb.nano.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A cache instance in a process of its own ({@link CacheInstance} in a child JVM, or
 * examples/cache-invalidation/cache_instance.py {@code --instance}), driven through the lines of
 * its standard input and output. Its standard error is this process's.
 */
final class InstanceProcess implements AutoCloseable {
  private static final String END = "\u0000end";

  private final String name;
  private final Process process;
  private final PrintStream in;
  private final BlockingQueue<String> out = new LinkedBlockingQueue<>();

  /** What an instance reported when it finished. */
  record Report(
      String name,
      long[] ids,
      long[] nanos,
      long received,
      long evicted,
      long overflows,
      long cached,
      long stale,
      long hits,
      long misses,
      long discarded,
      List<String> staleLines) {}

  private InstanceProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  out.add(line);
                }
              } catch (IOException e) {
                // the process is gone
              } finally {
                out.add(END);
              }
            },
            name + "-output");
    t.setDaemon(true);
    t.start();
  }

  /** Starts {@code command} as the instance called {@code name}. */
  static InstanceProcess start(String name, List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    return new InstanceProcess(name, p);
  }

  /** The command of {@code main} in a JVM of this one's class path. */
  static List<String> java(Class<?> main, List<String> args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
    command.addAll(args);
    return command;
  }

  String name() {
    return name;
  }

  /** Waits for {@code ready}, the line an instance prints once it listens. */
  void awaitReady(Duration timeout) throws IOException, InterruptedException {
    String line = next(timeout);
    if (!line.equals("ready")) {
      throw new IOException(name + " did not start: it said " + line);
    }
  }

  /** Sends one command and returns the line it answers. */
  String request(String command, Duration timeout) throws IOException, InterruptedException {
    in.println(command);
    return next(timeout);
  }

  /** Sends {@code finish expected} and reads the report that ends the instance. */
  Report finish(long expected, Duration timeout) throws IOException, InterruptedException {
    in.println("finish " + expected);
    long deadline = System.nanoTime() + timeout.toNanos();
    String head = next(left(deadline));
    if (!head.startsWith("evictions ")) {
      throw new IOException(name + " answered " + head);
    }
    int n = Integer.parseInt(head.substring("evictions ".length()));
    long[] ids = new long[n];
    long[] nanos = new long[n];
    for (int i = 0; i < n; i++) {
      String[] w = next(left(deadline)).split(" ");
      ids[i] = Long.parseLong(w[0]);
      nanos[i] = Long.parseLong(w[1]);
    }
    List<String> stale = new ArrayList<>();
    String line;
    while ((line = next(left(deadline))).startsWith("stale ")) {
      stale.add(line);
    }
    if (!line.startsWith("result ")) {
      throw new IOException(name + " answered " + line);
    }
    java.util.Map<String, Long> r = new java.util.HashMap<>();
    for (String kv : line.substring("result ".length()).split(" ")) {
      String[] p = kv.split("=", 2);
      r.put(p[0], Long.parseLong(p[1]));
    }
    return new Report(
        name,
        ids,
        nanos,
        r.get("received"),
        r.get("evicted"),
        r.get("overflows"),
        r.get("cached"),
        r.get("stale"),
        r.get("hits"),
        r.get("misses"),
        r.get("discarded"),
        stale);
  }

  private static Duration left(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  private String next(Duration timeout) throws IOException, InterruptedException {
    String line = out.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (line == null) {
      throw new IOException(name + " said nothing for " + timeout.toMillis() + " ms");
    }
    if (line.equals(END)) {
      out.add(END);
      throw new IOException(name + " ended" + exitStatus());
    }
    return line;
  }

  private String exitStatus() {
    try {
      return process.waitFor(5, TimeUnit.SECONDS) ? " with status " + process.exitValue() : "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** Closes its input (it exits) and waits for it; kills it when it does not. */
  @Override
  public void close() throws InterruptedException {
    in.close();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
