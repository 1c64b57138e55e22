package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosDB;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.api.Notification;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.api.PostgresqlResult;
import io.r2dbc.spi.Row;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Issue 13 client matrix: R2DBC PostgreSQL (1.1, Reactor Netty) against the server. It sends
 * parameters with their types in Parse (Integer int4, LocalDate date, ByteBuffer bytea, ...), and
 * reads results by the types in RowDescription.
 */
class R2dbcPostgresqlTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private WireServer server;
  private PostgresqlConnectionFactory factory;

  @BeforeEach
  void start() throws Exception {
    server =
        WireServer.start(HeliosDB.open(dir.resolve("r2dbc.db")), WireServer.Options.loopback(0));
    factory =
        new PostgresqlConnectionFactory(
            PostgresqlConnectionConfiguration.builder()
                .host("127.0.0.1")
                .port(server.port())
                .database("r2dbc")
                .username("test")
                .password("")
                .build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static long update(PostgresqlConnection c, String sql) {
    return c.createStatement(sql)
        .execute()
        .flatMap(PostgresqlResult::getRowsUpdated)
        .reduce(0L, Long::sum)
        .block(WAIT);
  }

  private static <T> T first(
      io.r2dbc.postgresql.api.PostgresqlStatement statement, Function<Row, T> read) {
    return statement.execute().flatMap(r -> r.map((row, meta) -> read.apply(row))).blockFirst(WAIT);
  }

  @Test
  void typedParametersAndResults() {
    PostgresqlConnection c = factory.create().block(WAIT);
    try {
      update(
          c,
          "CREATE TABLE items (id INTEGER PRIMARY KEY, qty INT, big BIGINT, name TEXT, ok BOOLEAN,"
              + " ratio DOUBLE PRECISION, day DATE, at TIMESTAMP, data BYTEA, price NUMERIC(10, 2))");
      LocalDateTime at = LocalDateTime.of(2026, 12, 4, 18, 0, 0, 123_456_000);
      long inserted =
          c.createStatement(
                  "INSERT INTO items (id, qty, big, name, ok, ratio, day, at, data, price)"
                      + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
              .bind("$1", 1)
              .bind("$2", 7)
              .bind("$3", 9_000_000_000L)
              .bind("$4", "it's")
              .bind("$5", true)
              .bind("$6", 2.5)
              .bind("$7", LocalDate.of(2026, 12, 4))
              .bind("$8", at)
              .bind("$9", ByteBuffer.wrap(new byte[] {0, 1, (byte) 0xff}))
              .bind("$10", new BigDecimal("12.50"))
              .execute()
              .flatMap(PostgresqlResult::getRowsUpdated)
              .blockFirst(WAIT);
      assertThat(inserted).isEqualTo(1);

      List<Object> row =
          first(
              c.createStatement("SELECT * FROM items WHERE id = $1").bind("$1", 1),
              r ->
                  List.of(
                      r.get("id", Integer.class),
                      r.get("qty", Integer.class),
                      r.get("big", Long.class),
                      r.get("name", String.class),
                      r.get("ok", Boolean.class),
                      r.get("ratio", Double.class),
                      r.get("day", LocalDate.class),
                      r.get("at", LocalDateTime.class),
                      r.get("data", ByteBuffer.class),
                      r.get("price", BigDecimal.class)));
      assertThat(row.subList(0, 8))
          .containsExactly(1, 7, 9_000_000_000L, "it's", true, 2.5, LocalDate.of(2026, 12, 4), at);
      ByteBuffer data = (ByteBuffer) row.get(8);
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      assertThat(bytes).containsExactly(0, 1, 0xff);
      assertThat((BigDecimal) row.get(9)).isEqualTo(new BigDecimal("12.50"));

      Object sum = first(c.createStatement("SELECT 41 + 1"), r -> r.get(0));
      assertThat(sum).isInstanceOf(Integer.class).isEqualTo(42);
      Object count =
          first(
              c.createStatement("SELECT count(*) FROM items WHERE ok = $1").bind("$1", true),
              r -> r.get(0));
      assertThat(count).isInstanceOf(Long.class).isEqualTo(1L);
      String name =
          first(
              c.createStatement("SELECT name FROM items WHERE day = $1 AND data IS NOT NULL")
                  .bind("$1", LocalDate.of(2026, 12, 4)),
              r -> r.get(0, String.class));
      assertThat(name).isEqualTo("it's");
    } finally {
      c.close().block(WAIT);
    }
  }

  @Test
  void listenGetsNotificationsFromAnotherConnection() {
    PostgresqlConnection listener = factory.create().block(WAIT);
    PostgresqlConnection sender = factory.create().block(WAIT);
    try {
      update(listener, "LISTEN r2dbc_events");
      Mono<List<Notification>> two = listener.getNotifications().take(2).collectList().cache();
      two.subscribe();
      update(sender, "NOTIFY r2dbc_events, 'one'");
      sender
          .createStatement("SELECT pg_notify($1, $2)")
          .bind("$1", "r2dbc_events")
          .bind("$2", "two")
          .execute()
          .flatMap(r -> r.map((row, meta) -> 1))
          .blockLast(WAIT);

      List<Notification> got = two.block(WAIT);
      assertThat(got).extracting(Notification::getName).containsOnly("r2dbc_events");
      assertThat(got).extracting(Notification::getParameter).containsExactly("one", "two");
      Integer senderPid =
          Flux.from(sender.createStatement("SELECT pg_backend_pid()").execute())
              .flatMap(r -> r.map((row, meta) -> row.get(0, Integer.class)))
              .blockFirst(WAIT);
      assertThat(got).extracting(Notification::getProcessId).containsOnly(senderPid);
    } finally {
      sender.close().block(WAIT);
      listener.close().block(WAIT);
    }
  }
}
