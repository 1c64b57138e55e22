package io.heliosdb.nano.bench;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.Notification;
import io.heliosdb.nano.PubSub;
import io.heliosdb.nano.Subscription;
import io.heliosdb.nano.config.HeliosConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Publish-to-receive latency at a fixed rate (DESIGN.md §8: at 100 K msgs/s, p50 {@code < 10 µs},
 * p99 {@code < 20 µs}). A paced main rather than JMH: a rate-limited latency needs a schedule, and
 * JMH's SampleTime would time only the publishing call.
 *
 * <p>The publisher waits for each scheduled send time and calls {@code notify()}. Latency is taken
 * from the scheduled time, so a publisher that falls behind (a GC pause, a descheduled thread)
 * counts against the result instead of hiding it (no coordinated omission); the time from the
 * actual call is printed too. Each notification's {@link Notification#sequence()} (1, 2, ... in a
 * fresh database) finds its send time.
 *
 * <p>Modes: {@code take} (a thread blocked in take()), {@code spin} (a thread spinning on poll()),
 * {@code push} (a push listener on a single-thread executor), and the same hand-over through a bare
 * {@link LinkedBlockingQueue}, {@code jdk-take} and {@code jdk-spin}: the "JVM limit" of §8,
 * measured in the same run on the same machine.
 *
 * <p>Usage: {@code LatencyProbe [rate/s=100000] [seconds=10] [warmupSeconds=5] [mode...]}; all
 * modes by default.
 */
public final class LatencyProbe {
  private static final String CHANNEL = "latency";
  private static final List<String> MODES = List.of("take", "spin", "push", "jdk-take", "jdk-spin");

  private final int rate;
  private final int total;
  private final int warmup;
  private final long[] scheduled;
  private final long[] called;
  private final long[] received;
  private volatile int count;
  private long dropped;

  private LatencyProbe(int rate, int seconds, int warmupSeconds) {
    this.rate = rate;
    this.warmup = rate * warmupSeconds;
    this.total = warmup + rate * seconds;
    this.scheduled = new long[total];
    this.called = new long[total];
    this.received = new long[total];
  }

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int warmupSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    List<String> modes = args.length > 3 ? Arrays.asList(args).subList(3, args.length) : MODES;
    System.out.printf(
        "LatencyProbe: %d msgs/s, %d s measured after %d s warm-up, 100-byte payloads%n",
        rate, seconds, warmupSeconds);
    for (String mode : modes) {
      LatencyProbe probe = new LatencyProbe(rate, seconds, warmupSeconds);
      if (mode.startsWith("jdk-")) {
        probe.runJdk(mode);
      } else {
        probe.runHelios(mode);
      }
      probe.report(mode);
    }
  }

  private interface Source {
    Notification next() throws InterruptedException;
  }

  private void runHelios(String mode) throws Exception {
    String payload = Payloads.distinct(1, NotifyThroughputBenchmark.PAYLOAD_BYTES)[0];
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try (HeliosDB db = HeliosDB.open(HeliosConfig.builder().inMemory().build())) {
      PubSub pubsub = db.pubsub();
      Subscription sub =
          mode.equals("push")
              ? pubsub.subscribe(List.of(CHANNEL), executor, this::record)
              : pubsub.subscribe(CHANNEL);
      Thread consumer =
          switch (mode) {
            case "take" -> consume(() -> record(sub.take()));
            case "spin" -> consume(() -> record(sub.poll()));
            case "push" -> null;
            default -> throw new IllegalArgumentException("unknown mode " + mode);
          };
      publish(i -> pubsub.notify(CHANNEL, payload));
      finish(consumer);
      sub.close();
    } finally {
      executor.shutdownNow();
    }
  }

  /** The same schedule through a bare queue of indexes: what the JVM itself can do. */
  private void runJdk(String mode) throws Exception {
    LinkedBlockingQueue<Integer> queue = new LinkedBlockingQueue<>(65_536);
    Thread consumer =
        switch (mode) {
          case "jdk-take" -> consume(() -> record(queue.take()));
          case "jdk-spin" -> consume(() -> record(queue.poll()));
          default -> throw new IllegalArgumentException("unknown mode " + mode);
        };
    publish(queue::offer);
    finish(consumer);
  }

  private interface Step {
    void run() throws InterruptedException;
  }

  private Thread consume(Step step) {
    Thread t =
        new Thread(
            () -> {
              try {
                while (count < total) {
                  step.run();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "latency-consumer");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Called by one consumer thread at a time. */
  private void record(Notification n) {
    if (n == null) {
      return;
    }
    if (n.isOverflow()) {
      dropped += n.droppedCount();
      count += (int) n.droppedCount();
      return;
    }
    record(Integer.valueOf((int) (n.sequence() - 1)));
  }

  private void record(Integer index) {
    if (index != null) {
      received[index] = System.nanoTime();
      count++;
    }
  }

  private void publish(IntConsumer send) {
    long interval = 1_000_000_000L / rate;
    long start = System.nanoTime() + 1_000_000;
    for (int i = 0; i < total; i++) {
      long at = start + i * interval;
      scheduled[i] = at;
      while (System.nanoTime() < at) {
        // Yield, not spin: on 2 cores the woken consumer is often queued on this very core, and a
        // spinning publisher would keep it waiting for a scheduler tick (milliseconds).
        Thread.yield();
      }
      called[i] = System.nanoTime();
      send.accept(i);
    }
  }

  private void finish(Thread consumer) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (count < total && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    if (consumer != null) {
      consumer.interrupt();
      consumer.join(5_000);
    }
  }

  private void report(String mode) {
    int n = total - warmup;
    long[] fromSchedule = new long[n];
    long[] fromCall = new long[n];
    int got = 0;
    for (int i = warmup; i < total; i++) {
      if (received[i] != 0) {
        fromSchedule[got] = received[i] - scheduled[i];
        fromCall[got] = received[i] - called[i];
        got++;
      }
    }
    System.out.printf(
        "%-8s received %d of %d measured, dropped %d (whole run)%n", mode, got, n, dropped);
    print("  from schedule", Arrays.copyOf(fromSchedule, got));
    print("  from call    ", Arrays.copyOf(fromCall, got));
  }

  private static void print(String label, long[] nanos) {
    if (nanos.length == 0) {
      System.out.println(label + ": nothing received");
      return;
    }
    Arrays.sort(nanos);
    System.out.printf(
        Locale.ROOT,
        "%s µs: p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f%n",
        label,
        pct(nanos, 0.50),
        pct(nanos, 0.90),
        pct(nanos, 0.99),
        pct(nanos, 0.999),
        nanos[nanos.length - 1] / 1000.0);
  }

  private static double pct(long[] sorted, double p) {
    int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, i)] / 1000.0;
  }
}
