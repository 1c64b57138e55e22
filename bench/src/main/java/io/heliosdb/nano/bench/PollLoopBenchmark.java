package io.heliosdb.nano.bench;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.Notification;
import io.heliosdb.nano.PubSub;
import io.heliosdb.nano.SubscribeOptions;
import io.heliosdb.nano.Subscription;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 14 item 5: one publisher, one thread calling {@code poll()} in a loop, the publisher never
 * more than {@link #AHEAD} notifications ahead of what the poller has read. {@code api} goes
 * through the public API ({@code pubsub().notify("tp", ...)} and a {@code Subscription}); {@code
 * queue} is the same hand-off through a bare {@link LinkedTransferQueue}, the JVM's limit measured
 * in the same run. The score is notifications read per second; compare the two rows as a ratio.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class PollLoopBenchmark {
  static final int AHEAD = 8_192;
  static final int BATCH = 102_400; // a multiple of REPORT_EVERY

  /** The poller tells the publisher its count every this many (a power of two). */
  static final int REPORT_EVERY = 64;

  static final String PAYLOAD = "{\"id\":12345,\"status\":\"shipped\"}";

  @Param({"api", "queue"})
  public String path;

  HeliosDB db;
  PubSub pubsub;
  Subscription subscription;
  final LinkedTransferQueue<Notification> queue = new LinkedTransferQueue<>();
  Notification one;

  /** Notifications the poller has read; the publisher's bound and the end of a batch. */
  final AtomicLong read = new AtomicLong();

  long sent;
  volatile boolean stop;
  Thread poller;

  @Setup(Level.Trial)
  public void open() throws Exception {
    db = HeliosDB.inMemory();
    pubsub = db.pubsub();
    subscription = pubsub.subscribe(SubscribeOptions.channels("tp").queueSize(4 * AHEAD));
    // A notification object to hand through the bare queue, as the api path hands one out.
    pubsub.notify("tp", PAYLOAD);
    one = subscription.poll(java.time.Duration.ofSeconds(5));
    boolean api = path.equals("api");
    poller =
        new Thread(
            () -> {
              long n = 0;
              while (!stop) {
                Notification got = api ? subscription.poll() : queue.poll();
                if (got != null) {
                  if (got.isOverflow()) {
                    throw new IllegalStateException("the poller fell behind: " + got);
                  }
                  if ((++n & (REPORT_EVERY - 1)) == 0) {
                    read.lazySet(n); // not per message: that cache line would cap both rows
                  }
                } else {
                  Thread.onSpinWait();
                }
              }
            },
            "poller");
    poller.setDaemon(true);
    poller.start();
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    stop = true;
    poller.join();
    subscription.close();
    db.close();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void handOff() {
    boolean api = path.equals("api");
    long end = sent + BATCH;
    while (sent < end) {
      while (sent - read.get() >= AHEAD) {
        Thread.onSpinWait();
      }
      if (api) {
        pubsub.notify("tp", PAYLOAD);
      } else {
        queue.offer(one);
      }
      sent++;
    }
    while (read.get() < sent) {
      LockSupport.parkNanos(1_000);
    }
  }
}
