package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.wire.auth.Authentication;
import io.heliosdb.nano.wire.messages.Frames;
import io.heliosdb.nano.wire.messages.Frames.Backend;
import io.heliosdb.nano.wire.messages.PgFrameDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The extended protocol's short path for LISTEN, UNLISTEN, NOTIFY and {@code SELECT pg_notify($1,
 * $2)} ({@link QuickPath}): such a statement runs on the event loop (no task for the worker pool),
 * and outside a transaction alone at Sync, without a SQLite transaction; with the semantics of the
 * implicit transaction kept (dropped with a later failing statement or ROLLBACK before Sync,
 * delivered in commit order, queued inside a block).
 */
class ExtendedShortPathTest {
  private static final short[] TEXT = new short[0];

  private HeliosDB db = HeliosDB.inMemory();
  private final SessionRegistry registry = new SessionRegistry(10);
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  /** Tasks handed to the worker pool: none for what takes the short path. */
  private final AtomicInteger workerTasks = new AtomicInteger();

  private final Executor workers =
      r -> {
        workerTasks.incrementAndGet();
        r.run();
      };

  @AfterEach
  void close() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    db.close();
  }

  private EmbeddedChannel session() {
    PgFrameDecoder decoder = new PgFrameDecoder(1 << 20);
    EmbeddedChannel ch =
        new EmbeddedChannel(
            decoder, new PgWireHandler(db, registry, workers, decoder, Authentication.trust()));
    channels.add(ch);
    assertThat(send(ch, Frames.startup("user", "test"))).last().hasToString("Z I");
    return ch;
  }

  private static List<Backend> send(EmbeddedChannel ch, ByteBuf... frames) {
    return EmbeddedWire.send(ch, frames);
  }

  private static List<Backend> received(EmbeddedChannel ch) {
    return EmbeddedWire.received(ch);
  }

  private static List<String> texts(List<Backend> messages) {
    return messages.stream().map(Backend::toString).collect(Collectors.toList());
  }

  private static List<String> notifications(List<Backend> messages) {
    return messages.stream()
        .filter(m -> m.type() == 'A')
        .map(m -> m.notification().substring(m.notification().indexOf(' ') + 1))
        .collect(Collectors.toList());
  }

  /** What pgjdbc sends for Statement.execute: Parse, Bind, Describe portal, Execute, Sync. */
  private static ByteBuf[] statement(String sql, String... params) {
    return new ByteBuf[] {
      Frames.parse("", sql),
      Frames.bind("", "", TEXT, params),
      Frames.describe('P', ""),
      Frames.execute("", 0)
    };
  }

  private static ByteBuf[] withSync(ByteBuf... frames) {
    ByteBuf[] all = Arrays.copyOf(frames, frames.length + 1);
    all[frames.length] = Frames.sync();
    return all;
  }

  @Test
  void notifyListenAndUnlistenRunOnTheEventLoopAloneAtSync() {
    EmbeddedChannel ch = session();
    long alone = QuickPath.ranAloneCount();
    workerTasks.set(0);

    assertThat(texts(send(ch, withSync(statement("LISTEN jobs")))))
        .containsExactly("1", "2", "n", "C LISTEN", "Z I");
    List<Backend> got = send(ch, withSync(statement("NOTIFY jobs, 'one'")));
    assertThat(texts(got)).startsWith("1", "2", "n", "C NOTIFY").endsWith("Z I");
    assertThat(notifications(got)).containsExactly("jobs one");
    assertThat(texts(send(ch, withSync(statement("UNLISTEN jobs")))))
        .containsExactly("1", "2", "n", "C UNLISTEN", "Z I");

    assertThat(workerTasks).hasValue(0);
    assertThat(QuickPath.ranAloneCount() - alone).isEqualTo(3);
  }

  @Test
  void aReusedPgNotifyStatementTakesTheShortPathWithTheUsualResult() {
    EmbeddedChannel ch = session();
    send(ch, Frames.query("LISTEN jobs"));
    List<Backend> described =
        send(
            ch,
            Frames.parse("S_1", "SELECT pg_notify($1, $2)"),
            Frames.describe('S', "S_1"),
            Frames.sync());
    assertThat(texts(described)).containsExactly("1", "t", "T", "Z I");
    assertThat(described.get(2).columns()).hasSize(1);
    long alone = QuickPath.ranAloneCount();
    workerTasks.set(0);
    for (int i = 0; i < 3; i++) {
      List<Backend> got =
          send(
              ch,
              Frames.bind("", "S_1", TEXT, "jobs", "n" + i),
              Frames.execute("", 0),
              Frames.sync());
      assertThat(texts(got)).startsWith("2", "D", "C SELECT 1").endsWith("Z I");
      assertThat(got.get(1).values()).containsExactly((String) null);
      assertThat(notifications(got)).containsExactly("jobs n" + i);
    }
    assertThat(workerTasks).hasValue(0);
    assertThat(QuickPath.ranAloneCount() - alone).isEqualTo(3);
  }

  @Test
  void aNotifyFollowedByAFailingStatementBeforeSyncIsDroppedWithIt() {
    EmbeddedChannel ch = session();
    send(ch, Frames.query("LISTEN jobs"));
    long alone = QuickPath.ranAloneCount();
    List<Backend> got =
        send(
            ch,
            Frames.parse("", "NOTIFY jobs, 'lost'"),
            Frames.bind("", "", TEXT),
            Frames.execute("", 0),
            Frames.parse("", "SELECT * FROM no_such_table"),
            Frames.bind("", "", TEXT),
            Frames.execute("", 0),
            Frames.sync());
    // The error comes at the second Parse (SQLite prepares it), after the NOTIFY's completion.
    assertThat(texts(got)).startsWith("1", "2", "C NOTIFY").endsWith("Z I");
    assertThat(got.get(3).sqlState()).isEqualTo("42P01");
    assertThat(notifications(got)).isEmpty();
    assertThat(QuickPath.ranAloneCount()).isEqualTo(alone);
    assertThat(notifications(send(ch, withSync(statement("NOTIFY jobs, 'kept'")))))
        .containsExactly("jobs kept");
  }

  @Test
  void aNotifyFollowedByRollbackBeforeSyncIsDropped() {
    EmbeddedChannel ch = session();
    send(ch, Frames.query("LISTEN jobs"));
    List<Backend> got =
        send(
            ch,
            withSync(
                Frames.parse("", "SELECT pg_notify($1, $2)"),
                Frames.bind("", "", TEXT, "jobs", "lost"),
                Frames.execute("", 0),
                Frames.parse("", "ROLLBACK"),
                Frames.bind("", "", TEXT),
                Frames.execute("", 0)));
    assertThat(texts(got)).contains("C SELECT 1", "C ROLLBACK").last().isEqualTo("Z I");
    assertThat(notifications(got)).isEmpty();
  }

  @Test
  void twoNotifiesBeforeOneSyncAreDeliveredTogetherInOrder() {
    EmbeddedChannel ch = session();
    EmbeddedChannel listener = session();
    send(listener, Frames.query("LISTEN jobs"));
    List<Backend> first = send(ch, Frames.parse("", "NOTIFY jobs, 'a'"), Frames.bind("", "", TEXT));
    assertThat(texts(first)).isEmpty(); // nothing flushed before Sync
    send(
        ch,
        Frames.execute("", 0),
        Frames.parse("", "NOTIFY jobs, 'b'"),
        Frames.bind("", "", TEXT),
        Frames.execute("", 0));
    assertThat(received(listener)).isEmpty(); // their transaction has not committed
    send(ch, Frames.sync());
    send(ch, withSync(statement("NOTIFY jobs, 'c'")));
    assertThat(notifications(received(listener))).containsExactly("jobs a", "jobs b", "jobs c");
  }

  @Test
  void insideATransactionBlockANotifyWaitsForCommit() {
    EmbeddedChannel ch = session();
    EmbeddedChannel listener = session();
    send(listener, Frames.query("LISTEN jobs"));
    send(ch, Frames.query("BEGIN"));
    assertThat(texts(send(ch, withSync(statement("NOTIFY jobs, 'later'")))))
        .containsExactly("1", "2", "n", "C NOTIFY", "Z T");
    assertThat(received(listener)).isEmpty();
    send(ch, Frames.query("COMMIT"));
    assertThat(notifications(received(listener))).containsExactly("jobs later");
  }

  @Test
  void aFlushAfterTheExecuteSendsItsCompletionAndSyncStillDelivers() {
    EmbeddedChannel ch = session();
    send(ch, Frames.query("LISTEN jobs"));
    List<Backend> flushed =
        send(
            ch,
            Frames.parse("", "NOTIFY jobs, 'x'"),
            Frames.bind("", "", TEXT),
            Frames.execute("", 0),
            Frames.flush());
    assertThat(texts(flushed)).containsExactly("1", "2", "C NOTIFY");
    List<Backend> synced = send(ch, Frames.sync());
    assertThat(notifications(synced)).containsExactly("jobs x");
    assertThat(synced).last().hasToString("Z I");
  }

  @Test
  void otherStatementsAndDurableChannelsStillGoToTheWorkers() {
    db.close();
    db = HeliosDB.open(HeliosConfig.builder().inMemory().durableChannels("orders").build());
    EmbeddedChannel ch = session();
    send(ch, Frames.query("LISTEN orders; LISTEN jobs"));
    long alone = QuickPath.ranAloneCount();
    assertThat(notifications(sentByWorkers(ch, "NOTIFY orders, 'kept'")))
        .containsExactly("orders kept");
    assertThat(notifications(sentByWorkers(ch, "SELECT pg_notify($1, $2)", "orders", "too")))
        .containsExactly("orders too");
    // pg_notify inside a larger statement: SQLite runs it.
    assertThat(notifications(sentByWorkers(ch, "SELECT pg_notify($1, $2), 1", "jobs", "x")))
        .containsExactly("jobs x");
    assertThat(texts(sentByWorkers(ch, "SELECT 1 AS one"))).contains("D");
    // Alone in their implicit transactions, they ran in autocommit at Sync all the same.
    assertThat(QuickPath.ranAloneCount() - alone).isEqualTo(4);
  }

  /** Sends a statement as pgjdbc does and checks that the worker pool ran part of it. */
  private List<Backend> sentByWorkers(EmbeddedChannel ch, String sql, String... params) {
    workerTasks.set(0);
    List<Backend> got = send(ch, withSync(statement(sql, params)));
    assertThat(workerTasks.get()).as(sql).isPositive();
    assertThat(got).last().hasToString("Z I");
    return got;
  }

  @Test
  void aLoneInsertRunsInAutocommitAtSyncAndItsTriggersNotificationIsDelivered() {
    EmbeddedChannel ch = session();
    send(
        ch,
        Frames.query(
            "CREATE TABLE t(id INTEGER PRIMARY KEY);"
                + " CREATE TRIGGER t_ins AFTER INSERT ON t"
                + " BEGIN SELECT pg_notify('jobs', 'row ' || NEW.id); END;"
                + " LISTEN jobs"));
    long alone = QuickPath.ranAloneCount();
    List<Backend> got = send(ch, withSync(statement("INSERT INTO t VALUES (7)")));
    assertThat(texts(got)).startsWith("1", "2", "n", "C INSERT 0 1").endsWith("Z I");
    assertThat(notifications(got)).containsExactly("jobs row 7");
    assertThat(QuickPath.ranAloneCount() - alone).isEqualTo(1);

    // A failing one alone: the error, then ReadyForQuery, nothing kept.
    got = send(ch, withSync(statement("INSERT INTO t VALUES (7)")));
    assertThat(got.get(got.size() - 2).sqlState()).isEqualTo("23505");
    assertThat(notifications(got)).isEmpty();
    assertThat(got).last().hasToString("Z I");
  }
}
