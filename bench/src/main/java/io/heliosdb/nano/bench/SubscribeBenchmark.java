package io.heliosdb.nano.bench;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.PubSub;
import io.heliosdb.nano.Subscription;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of joining and leaving: subscribe + close, listen + unlisten through the Java API, and
 * LISTEN + UNLISTEN as SQL statements in autocommit. One operation is the pair.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class SubscribeBenchmark {
  /** Channels cycled through, so that each operation creates and removes a channel's entry. */
  static final int CHANNELS = 1024;

  HeliosDB db;
  PubSub pubsub;
  Subscription subscription;
  HeliosConnection conn;
  Statement statement;
  String[] channels = new String[CHANNELS];
  String[] listenSql = new String[CHANNELS];
  String[] unlistenSql = new String[CHANNELS];
  int next;

  @Setup(Level.Trial)
  public void open() throws SQLException {
    db = HeliosDB.inMemory();
    pubsub = db.pubsub();
    subscription = pubsub.subscribe();
    conn = db.connection();
    statement = conn.createStatement();
    // Prebuilt, so that string building is not measured.
    for (int i = 0; i < CHANNELS; i++) {
      channels[i] = "channel_" + i;
      listenSql[i] = "LISTEN " + channels[i];
      unlistenSql[i] = "UNLISTEN " + channels[i];
    }
  }

  @TearDown(Level.Trial)
  public void close() throws SQLException {
    statement.close();
    conn.close();
    subscription.close();
    db.close();
  }

  private int nextIndex() {
    next = (next + 1) & (CHANNELS - 1);
    return next;
  }

  @Benchmark
  public void subscribeClose() {
    try (Subscription s = pubsub.subscribe(channels[nextIndex()])) {
      // nothing: the pair is the operation
    }
  }

  @Benchmark
  public void listenUnlisten() {
    String c = channels[nextIndex()];
    subscription.listen(c);
    subscription.unlisten(c);
  }

  @Benchmark
  public void sqlListenUnlisten() throws SQLException {
    int i = nextIndex();
    statement.execute(listenSql[i]);
    statement.execute(unlistenSql[i]);
  }
}
