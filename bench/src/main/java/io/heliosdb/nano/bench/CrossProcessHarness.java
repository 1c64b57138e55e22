package io.heliosdb.nano.bench;

import com.sun.management.OperatingSystemMXBean;
import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.Notification;
import io.heliosdb.nano.Subscription;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.config.Synchronous;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * Delivery between two processes that share a database file with cross-process delivery on.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.heliosdb.nano.bench.CrossProcessHarness latency RATE SECONDS
 * java -cp bench/target/benchmarks.jar io.heliosdb.nano.bench.CrossProcessHarness idle SECONDS
 * java -cp bench/target/benchmarks.jar io.heliosdb.nano.bench.CrossProcessHarness idle-baseline SECONDS
 * </pre>
 *
 * {@code latency}: a second JVM sends {@code RATE} notifications a second ({@code SELECT
 * pg_notify('bench', <System.nanoTime()>)}, autocommit) for {@code SECONDS}; this process receives
 * them and reports the delay from before the sender's statement to the receiver's take(), p50 / p99
 * / max, and how many were lost. Both processes read the same monotonic clock (CLOCK_MONOTONIC on
 * Linux). {@code idle}: this process listens for {@code SECONDS} with nothing sent and reports the
 * CPU time it used, as a share of one core; {@code idle-baseline} the same without cross-process
 * delivery, for what the JVM itself costs.
 */
public final class CrossProcessHarness {
  private CrossProcessHarness() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "latency" -> latency(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
      case "idle" -> idle(Integer.parseInt(args[1]), true);
      case "idle-baseline" -> idle(Integer.parseInt(args[1]), false);
      case "sender" -> send(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      default -> throw new IllegalArgumentException("latency RATE SECONDS | idle SECONDS");
    }
  }

  private static HeliosConfig config(Path file) {
    // NORMAL: the relay's latency, not the sender's fsync (SyncModeHarness measures that).
    return HeliosConfig.builder()
        .path(file)
        .synchronous(Synchronous.NORMAL)
        .crossProcess(true)
        .build();
  }

  private static void latency(int rate, int seconds) throws Exception {
    Path dir = TempDirs.create();
    Path file = dir.resolve("shared.db");
    int expected = rate * seconds;
    long[] micros = new long[expected];
    int n = 0;
    int overflows = 0;
    try (HeliosDB db = HeliosDB.open(config(file));
        Subscription sub = db.pubsub().subscribe("bench")) {
      Process sender =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  CrossProcessHarness.class.getName(),
                  "sender",
                  file.toString(),
                  Integer.toString(rate),
                  Integer.toString(seconds))
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(sender.getInputStream(), StandardCharsets.UTF_8))) {
        if (!"ready".equals(out.readLine())) {
          throw new IllegalStateException("the sender did not start");
        }
        while (n < expected) {
          Notification m = sub.poll(Duration.ofSeconds(10));
          long now = System.nanoTime();
          if (m == null) {
            break;
          }
          if (m.isOverflow()) {
            overflows++;
            continue;
          }
          micros[n++] = (now - Long.parseLong(m.payload())) / 1000;
        }
        sender.waitFor();
      }
    } finally {
      TempDirs.delete(dir);
    }
    // The first second warms both JVMs up; report the rest.
    int skip = Math.min(rate, n / 2);
    long[] measured = Arrays.copyOfRange(micros, skip, n);
    Arrays.sort(measured);
    System.out.printf(
        "cross-process latency at %d/s for %d s: p50 %d µs, p99 %d µs, max %d µs"
            + " (%d measured after a warm-up second; received %d of %d, overflow markers %d)%n",
        rate,
        seconds,
        percentile(measured, 0.50),
        percentile(measured, 0.99),
        measured.length == 0 ? 0 : measured[measured.length - 1],
        measured.length,
        n,
        expected,
        overflows);
  }

  private static void send(Path file, int rate, int seconds) throws Exception {
    try (HeliosDB db = HeliosDB.open(config(file));
        HeliosConnection c = db.connection()) {
      System.out.println("ready");
      System.out.flush();
      LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // let the receiver start polling
      long interval = 1_000_000_000L / rate;
      long next = System.nanoTime();
      for (int i = 0; i < rate * seconds; i++) {
        while (System.nanoTime() < next) {
          LockSupport.parkNanos(next - System.nanoTime());
        }
        c.notify("bench", Long.toString(System.nanoTime()));
        next += interval;
      }
    }
  }

  private static void idle(int seconds, boolean crossProcess) throws Exception {
    Path dir = TempDirs.create();
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    HeliosConfig config =
        config(dir.resolve("idle.db")).toBuilder().crossProcess(crossProcess).build();
    try (HeliosDB db = HeliosDB.open(config);
        Subscription sub = db.pubsub().subscribe("bench")) {
      LockSupport.parkNanos(Duration.ofSeconds(5).toNanos()); // start-up work (JIT) settles
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      Notification none = sub.poll(Duration.ofSeconds(seconds));
      long cpu = os.getProcessCpuTime() - cpu0;
      long wall = System.nanoTime() - t0;
      System.out.printf(
          "idle listening process, cross-process delivery %s: %.3f %% of one core over %d s"
              + " (%d ms CPU; received %s)%n",
          crossProcess ? "on" : "off",
          100.0 * cpu / wall,
          seconds,
          cpu / 1_000_000,
          none == null ? "nothing" : none);
    } finally {
      TempDirs.delete(dir);
    }
  }

  private static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))];
  }
}
