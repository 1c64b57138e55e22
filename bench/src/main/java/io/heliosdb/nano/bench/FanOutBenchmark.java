package io.heliosdb.nano.bench;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.PubSub;
import io.heliosdb.nano.config.HeliosConfig;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One publisher, many subscribers of one channel, in one JVM (DESIGN.md §8: {@code >= 20 M
 * deliveries/s} to 1000 subscribers). The score is notifications published per second; the {@code
 * delivered} counter is the deliveries per second (score times subscribers when nothing drops).
 *
 * <p>The publisher waits whenever subscribers fall more than {@link #MAX_LAG} notifications behind,
 * so queues never overflow and drops would show as a bug, not as speed.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class FanOutBenchmark {
  static final String CHANNEL = "fanout";
  static final int QUEUE_SIZE = 1024;
  static final long MAX_LAG = QUEUE_SIZE / 4;

  @State(Scope.Benchmark)
  public static class FanOut {
    @Param({"1000"})
    public int subscriberCount;

    @Param({"POLL_THREAD", "PUSH_DIRECT", "PUSH_EXECUTOR"})
    public ConsumerMode consumer;

    HeliosDB db;
    PubSub pubsub;
    Subscribers subscribers;
    String payload = Payloads.distinct(1, NotifyThroughputBenchmark.PAYLOAD_BYTES)[0];
    long sent;

    @Setup(Level.Trial)
    public void open() {
      db =
          HeliosDB.open(
              HeliosConfig.builder().inMemory().notificationQueueSize(QUEUE_SIZE).build());
      pubsub = db.pubsub();
      subscribers = Subscribers.open(pubsub, CHANNEL, subscriberCount, consumer);
    }

    @TearDown(Level.Trial)
    public void close() throws InterruptedException {
      subscribers.close();
      db.close();
    }
  }

  /** Deliveries and drops per second, summed over all subscribers. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Delivery {
    private final CounterWindow window = new CounterWindow();

    @Setup(Level.Iteration)
    public void start(FanOut s) {
      window.start(s.subscribers.counter);
    }

    public long delivered() {
      return window.delivered();
    }

    public long dropped() {
      return window.dropped();
    }
  }

  @Benchmark
  public void publish(FanOut s, Delivery d) {
    s.pubsub.notify(CHANNEL, s.payload);
    if ((++s.sent & 15) == 0) {
      s.subscribers.counter.awaitLagBelow(s.sent * s.subscriberCount, MAX_LAG * s.subscriberCount);
    }
  }
}
