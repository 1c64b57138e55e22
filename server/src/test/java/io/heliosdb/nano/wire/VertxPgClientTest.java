package io.heliosdb.nano.wire;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosDB;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgNotification;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 client matrix: Vert.x's reactive pg client (5.0) against the server. It prepares every
 * statement and encodes parameters in binary by the types the server describes, so an Integer, a
 * LocalDate or a Buffer must meet a parameter typed int8, date or bytea, not text.
 */
class VertxPgClientTest {
  @TempDir Path dir;
  private WireServer server;
  private Vertx vertx;
  private PgConnectOptions options;

  @BeforeEach
  void start() throws Exception {
    server =
        WireServer.start(HeliosDB.open(dir.resolve("vertx.db")), WireServer.Options.loopback(0));
    vertx = Vertx.vertx();
    options =
        new PgConnectOptions()
            .setHost("127.0.0.1")
            .setPort(server.port())
            .setDatabase("vertx")
            .setUser("test")
            .setPassword("");
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
    server.close();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, SECONDS);
  }

  @Test
  void typedParametersAndResults() throws Exception {
    PgConnection c = await(PgConnection.connect(vertx, options));
    await(
        c.query(
                "CREATE TABLE items (id INTEGER PRIMARY KEY, qty INT, big BIGINT, name TEXT,"
                    + " ok BOOLEAN, ratio DOUBLE PRECISION, day DATE, at TIMESTAMP, data BYTEA,"
                    + " price NUMERIC(10, 2))")
            .execute());
    LocalDateTime at = LocalDateTime.of(2026, 12, 4, 18, 0, 0, 123_456_000);
    RowSet<Row> inserted =
        await(
            c.preparedQuery(
                    "INSERT INTO items (id, qty, big, name, ok, ratio, day, at, data, price)"
                        + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                .execute(
                    Tuple.of(
                        1,
                        7,
                        9_000_000_000L,
                        "it's",
                        true,
                        2.5,
                        LocalDate.of(2026, 12, 4),
                        at,
                        Buffer.buffer(new byte[] {0, 1, (byte) 0xff}),
                        new BigDecimal("12.50"))));
    assertThat(inserted.rowCount()).isEqualTo(1);

    Row r =
        await(c.preparedQuery("SELECT * FROM items WHERE id = $1").execute(Tuple.of(1)))
            .iterator()
            .next();
    assertThat(r.getInteger("id")).isEqualTo(1);
    assertThat(r.getInteger("qty")).isEqualTo(7);
    assertThat(r.getLong("big")).isEqualTo(9_000_000_000L);
    assertThat(r.getString("name")).isEqualTo("it's");
    assertThat(r.getBoolean("ok")).isTrue();
    assertThat(r.getDouble("ratio")).isEqualTo(2.5);
    assertThat(r.getLocalDate("day")).isEqualTo(LocalDate.of(2026, 12, 4));
    assertThat(r.getLocalDateTime("at")).isEqualTo(at);
    assertThat(r.getBuffer("data").getBytes()).containsExactly(0, 1, 0xff);
    assertThat(r.getBigDecimal("price")).isEqualTo(new BigDecimal("12.50"));

    Row sum = await(c.preparedQuery("SELECT 41 + 1").execute()).iterator().next();
    assertThat(sum.getValue(0)).isInstanceOf(Integer.class).isEqualTo(42);
    Row count =
        await(c.preparedQuery("SELECT count(*) FROM items WHERE ok = $1").execute(Tuple.of(true)))
            .iterator()
            .next();
    assertThat(count.getValue(0)).isInstanceOf(Long.class).isEqualTo(1L);
    Row simple = await(c.query("SELECT qty, ok, day FROM items").execute()).iterator().next();
    assertThat(simple.getInteger(0)).isEqualTo(7);
    assertThat(simple.getBoolean(1)).isTrue();
    assertThat(simple.getLocalDate(2)).isEqualTo(LocalDate.of(2026, 12, 4));
    await(c.close());
  }

  @Test
  void listenGetsNotificationsFromAnotherConnection() throws Exception {
    PgConnection listener = await(PgConnection.connect(vertx, options));
    BlockingQueue<PgNotification> received = new LinkedBlockingQueue<>();
    listener.notificationHandler(received::add);
    await(listener.query("LISTEN vertx_events").execute());
    PgConnection sender = await(PgConnection.connect(vertx, options));
    await(sender.query("NOTIFY vertx_events, 'one'").execute());
    await(
        sender.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of("vertx_events", "two")));

    PgNotification first = received.poll(10, SECONDS);
    PgNotification second = received.poll(10, SECONDS);
    assertThat(first).isNotNull();
    assertThat(second).isNotNull();
    assertThat(List.of(first.getPayload(), second.getPayload())).containsExactly("one", "two");
    assertThat(first.getChannel()).isEqualTo("vertx_events");
    assertThat(first.getProcessId()).isEqualTo(sender.processId());
    await(sender.close());
    await(listener.close());
  }

  /** PgSubscriber sends LISTEN "Name" quoted, so a mixed-case channel keeps its case. */
  @Test
  void subscriberGetsPayloadsOfItsChannel() throws Exception {
    PgSubscriber subscriber = PgSubscriber.subscriber(vertx, options);
    await(subscriber.connect());
    BlockingQueue<String> payloads = new LinkedBlockingQueue<>();
    CompletableFuture<Void> subscribed = new CompletableFuture<>();
    subscriber
        .channel("OrderEvents")
        .subscribeHandler(v -> subscribed.complete(null))
        .handler(payloads::add);
    subscribed.get(10, SECONDS);
    PgConnection sender = await(PgConnection.connect(vertx, options));
    await(sender.query("SELECT pg_notify('orderevents', 'other channel')").execute());
    await(sender.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of("OrderEvents", "42")));
    assertThat(payloads.poll(10, SECONDS)).isEqualTo("42");
    await(sender.close());
    await(subscriber.close());
    assertThat(payloads).isEmpty();
  }

  @Test
  void poolRunsQueriesOnSeveralConnections() throws Exception {
    Pool pool =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(3))
            .connectingTo(options)
            .using(vertx)
            .build();
    await(pool.query("CREATE TABLE hits (id INTEGER PRIMARY KEY, n INT)").execute());
    List<Future<RowSet<Row>>> inserts = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      inserts.add(pool.preparedQuery("INSERT INTO hits (n) VALUES ($1)").execute(Tuple.of(i)));
    }
    for (Future<RowSet<Row>> f : inserts) {
      assertThat(await(f).rowCount()).isEqualTo(1);
    }
    // sum(n) alone is text in the extended protocol (docs/server.md, "Result column types")
    Row r =
        await(
                pool.preparedQuery("SELECT count(*), sum(n)::int8 FROM hits WHERE n > $1")
                    .execute(Tuple.of(0)))
            .iterator()
            .next();
    assertThat(r.getLong(0)).isEqualTo(10L);
    assertThat(r.getLong(1)).isEqualTo(55L);
    await(pool.close());
  }
}
