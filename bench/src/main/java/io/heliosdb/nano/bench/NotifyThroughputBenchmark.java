package io.heliosdb.nano.bench;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.PubSub;
import io.heliosdb.nano.config.HeliosConfig;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Notifications per second from one publisher to one subscriber in the same JVM (DESIGN.md §8:
 * {@code >= 5 M msgs/s} for the in-process path), and the same through SQL {@code pg_notify()}.
 *
 * <p>The score counts notifications sent; the {@code delivered} and {@code dropped} counters show
 * that they also arrived. The publisher waits whenever the subscriber falls more than {@link
 * #MAX_LAG} behind, so the score is sustained delivery, never the speed of dropping on a full
 * queue.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NotifyThroughputBenchmark {
  static final String CHANNEL = "bench";
  static final int PAYLOAD_BYTES = 100;
  static final int BATCH = 100;

  /** Half the queue: the subscriber can never overflow. */
  static final int QUEUE_SIZE = 16_384;

  static final long MAX_LAG = QUEUE_SIZE / 2;

  /** The Java API: {@code db.pubsub().notify(channel, payload)}. */
  @State(Scope.Benchmark)
  public static class Api {
    @Param({"POLL_THREAD", "PUSH_DIRECT", "PUSH_EXECUTOR"})
    public ConsumerMode consumer;

    HeliosDB db;
    PubSub pubsub;
    Subscribers subscribers;
    String payload = Payloads.distinct(1, PAYLOAD_BYTES)[0];
    long sent;

    @Setup(Level.Trial)
    public void open() {
      db = HeliosDB.open(config());
      pubsub = db.pubsub();
      subscribers = Subscribers.open(pubsub, CHANNEL, 1, consumer);
    }

    @TearDown(Level.Trial)
    public void close() throws InterruptedException {
      subscribers.close();
      db.close();
    }
  }

  /** SQL: {@code SELECT pg_notify(?, ?)} through a JDBC PreparedStatement. */
  @State(Scope.Benchmark)
  public static class Sql {
    HeliosDB db;
    HeliosConnection conn;
    PreparedStatement notify;
    Subscribers subscribers;
    String[] payloads = Payloads.distinct(BATCH, PAYLOAD_BYTES);
    long sent;

    @Setup(Level.Trial)
    public void open() throws SQLException {
      db = HeliosDB.open(config());
      subscribers = Subscribers.open(db.pubsub(), CHANNEL, 1, ConsumerMode.POLL_THREAD);
      conn = db.connection();
      notify = conn.prepareStatement("SELECT pg_notify(?, ?)");
    }

    void send(String payload) throws SQLException {
      notify.setString(1, CHANNEL);
      notify.setString(2, payload);
      // Reading to the end and closing ends the statement, so an autocommit one commits now.
      try (ResultSet rs = notify.executeQuery()) {
        rs.next();
      }
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
      conn.close();
      subscribers.close();
      db.close();
    }
  }

  /**
   * The same hand-over through a bare {@link LinkedBlockingQueue} (a blocking JDK queue) to a
   * thread blocked in {@code take()}: the JVM's own limit on this machine, to compare {@code api}
   * with in the same run.
   */
  @State(Scope.Benchmark)
  public static class JdkQueue {
    final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>(QUEUE_SIZE);
    final DeliveryCounter counter = new DeliveryCounter();
    final Object item = Payloads.distinct(1, PAYLOAD_BYTES)[0];
    Thread consumer;
    long sent;

    @Setup(Level.Trial)
    public void start() {
      consumer =
          new Thread(
              () -> {
                try {
                  while (true) {
                    queue.take();
                    counter.countOne();
                  }
                } catch (InterruptedException e) {
                  // stopped
                }
              },
              "bench-jdk-consumer");
      consumer.setDaemon(true);
      consumer.start();
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      consumer.interrupt();
      consumer.join(5_000);
    }
  }

  /** Deliveries per second of the baseline. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class JdkDelivery {
    private final CounterWindow window = new CounterWindow();

    @Setup(Level.Iteration)
    public void start(JdkQueue s) {
      window.start(s.counter);
    }

    public long delivered() {
      return window.delivered();
    }
  }

  /** Deliveries and drops per second of the API benchmark, reported beside the score. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class ApiDelivery {
    private final CounterWindow window = new CounterWindow();

    @Setup(Level.Iteration)
    public void start(Api s) {
      window.start(s.subscribers.counter);
    }

    public long delivered() {
      return window.delivered();
    }

    public long dropped() {
      return window.dropped();
    }
  }

  /** The same for the SQL benchmarks. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class SqlDelivery {
    private final CounterWindow window = new CounterWindow();

    @Setup(Level.Iteration)
    public void start(Sql s) {
      window.start(s.subscribers.counter);
    }

    public long delivered() {
      return window.delivered();
    }

    public long dropped() {
      return window.dropped();
    }
  }

  static HeliosConfig config() {
    return HeliosConfig.builder().inMemory().notificationQueueSize(QUEUE_SIZE).build();
  }

  @Benchmark
  public void api(Api s, ApiDelivery d) {
    s.pubsub.notify(CHANNEL, s.payload);
    if ((++s.sent & 255) == 0) {
      s.subscribers.counter.awaitLagBelow(s.sent, MAX_LAG);
    }
  }

  @Benchmark
  public void jdkQueueBaseline(JdkQueue s, JdkDelivery d) {
    s.queue.offer(s.item);
    if ((++s.sent & 255) == 0) {
      s.counter.awaitLagBelow(s.sent, MAX_LAG);
    }
  }

  @Benchmark
  public void sqlAutocommit(Sql s, SqlDelivery d) throws SQLException {
    s.send(s.payloads[(int) (s.sent % BATCH)]);
    if ((++s.sent & 255) == 0) {
      s.subscribers.counter.awaitLagBelow(s.sent, MAX_LAG);
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void sqlBatched100(Sql s, SqlDelivery d) throws SQLException {
    s.conn.setAutoCommit(false);
    for (String p : s.payloads) {
      s.send(p);
    }
    s.conn.commit();
    s.conn.setAutoCommit(true);
    s.sent += BATCH;
    s.subscribers.counter.awaitLagBelow(s.sent, MAX_LAG);
  }
}
