package io.heliosdb.nano.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.config.HeliosConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Event streams read by the JDK's HttpClient: live, several channels, resume, reset. */
class SseStreamTest {
  @TempDir Path dir;
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(HeliosConfig.Builder db, HttpConfig.Builder http) throws Exception {
    server = new TestServer(db.path(dir.resolve("sse.db")).build(), http);
  }

  private void start() throws Exception {
    start(HeliosConfig.builder().durableChannels("orders"), HttpConfig.builder());
  }

  private static List<String> payloads(List<SseClient.Event> events) {
    return events.stream().map(SseClient.Event::data).toList();
  }

  @Test
  void anInsertOverTheWireReachesTheStreamThroughItsTrigger() throws Exception {
    start();
    try (SseClient stream = new SseClient(server, "/channels/orders/events");
        Connection pg = server.pg();
        Statement s = pg.createStatement()) {
      assertThat(stream.response.statusCode()).isEqualTo(200);
      assertThat(stream.response.headers().firstValue("Content-Type"))
          .hasValue("text/event-stream; charset=utf-8");
      // The schema from the embedded API: pgjdbc would split the trigger's body at its ';'.
      server.db.execute("CREATE TABLE orders(id INTEGER PRIMARY KEY, amount REAL)");
      server.db.execute(
          "CREATE TRIGGER orders_notify AFTER INSERT ON orders BEGIN"
              + " SELECT pg_notify('orders', json_object('id', NEW.id)); END");
      s.execute("INSERT INTO orders(amount) VALUES (9.99)");
      SseClient.Event e = stream.next();
      assertThat(e.event()).isEqualTo("orders");
      assertThat(e.data()).isEqualTo("{\"id\":1}");
      assertThat(e.id()).as("the durable id").isEqualTo("1");
      // A rolled-back insert sends nothing; the next committed one comes next.
      pg.setAutoCommit(false);
      s.execute("INSERT INTO orders(amount) VALUES (1)");
      pg.rollback();
      s.execute("INSERT INTO orders(amount) VALUES (2)");
      pg.commit();
      SseClient.Event second = stream.next();
      assertThat(second.data()).isEqualTo("{\"id\":2}");
      assertThat(Long.parseLong(second.id())).isGreaterThan(1);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> server.http.streamCount() == 0);
  }

  @Test
  void severalChannelsInOneStreamAndMultiLinePayloads() throws Exception {
    start();
    try (SseClient stream = new SseClient(server, "/events?channel=a&channel=b%20c&channel=a");
        Connection pg = server.pg();
        Statement s = pg.createStatement()) {
      s.execute("SELECT pg_notify('a', 'one')");
      s.execute("SELECT pg_notify('other', 'not subscribed')");
      s.execute("SELECT pg_notify('b c', 'two' || char(10) || 'lines')");
      server.db.pubsub().notify("a", "three\r\nwith\rbreaks\n");
      server.db.pubsub().notify("b c", "");
      List<SseClient.Event> got = stream.next(4);
      assertThat(got).extracting(SseClient.Event::event).containsExactly("a", "b c", "a", "b c");
      assertThat(payloads(got)).containsExactly("one", "two\nlines", "three\nwith\nbreaks\n", "");
      assertThat(got).extracting(SseClient.Event::id).containsOnlyNulls();
    }
  }

  @Test
  void heartbeatsKeepAnIdleStreamAwake() throws Exception {
    start(HeliosConfig.builder(), HttpConfig.builder().heartbeat(Duration.ofMillis(100)));
    try (SseClient stream = new SseClient(server, "/channels/quiet/events")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> stream.comments.get() >= 3);
      assertThat(stream.queued()).isZero();
    }
  }

  @Test
  void resumeWithLastEventIdAcrossARestartHasNoGapAndNoDuplicate() throws Exception {
    start();
    String lastSeen;
    try (SseClient stream = new SseClient(server, "/channels/orders/events")) {
      for (int i = 1; i <= 5; i++) {
        server.db.pubsub().notify("orders", "o" + i);
      }
      List<SseClient.Event> first = stream.next(5);
      assertThat(payloads(first)).containsExactly("o1", "o2", "o3", "o4", "o5");
      lastSeen = first.get(2).id(); // the client handled three before it went away
    }
    server.db.pubsub().notify("orders", "o6"); // while it is away
    server.restart();
    server.db.pubsub().notify("orders", "o7");
    try (SseClient resumed =
        new SseClient(server, "/channels/orders/events", "Last-Event-ID", lastSeen)) {
      List<SseClient.Event> replayed = resumed.next(4);
      assertThat(payloads(replayed)).containsExactly("o4", "o5", "o6", "o7");
      server.db.pubsub().notify("orders", "o8"); // and then live
      assertThat(resumed.next().data()).isEqualTo("o8");
      List<Long> ids = replayed.stream().map(e -> Long.parseLong(e.id())).toList();
      assertThat(ids).isSorted().doesNotHaveDuplicates();
      assertThat(ids.get(0)).isGreaterThan(Long.parseLong(lastSeen));
    }
    // ?from_id does the same; Last-Event-ID (what a reconnecting EventSource sends) wins over it.
    try (SseClient fromQuery = new SseClient(server, "/channels/orders/events?from_id=6");
        SseClient both =
            new SseClient(server, "/channels/orders/events?from_id=0", "Last-Event-ID", "7")) {
      assertThat(payloads(fromQuery.next(2))).containsExactly("o7", "o8");
      assertThat(both.next().data()).isEqualTo("o8");
    }
  }

  @Test
  void aPrunedIdGetsAResetEventWithTheIdItContinuesAfter() throws Exception {
    start(
        HeliosConfig.builder().durableChannels("orders").retentionMaxCount(3),
        HttpConfig.builder());
    for (int i = 1; i <= 10; i++) {
      server.db.pubsub().notify("orders", "o" + i);
    }
    // Retention runs every 10 s and keeps the newest three.
    await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () ->
                ((Number)
                            server
                                .db
                                .query("SELECT pruned_up_to FROM heliosdb_notifications_state")
                                .get(0)
                                .get("pruned_up_to"))
                        .longValue()
                    == 7);
    try (SseClient stream =
        new SseClient(server, "/channels/orders/events", "Last-Event-ID", "2")) {
      SseClient.Event reset = stream.next();
      assertThat(reset.event()).isEqualTo("reset");
      assertThat(reset.id()).isEqualTo("7");
      assertThat(reset.data()).isEqualTo("{\"continues_after\":7}");
      assertThat(payloads(stream.next(3))).containsExactly("o8", "o9", "o10");
    }
    // An id newer than the log knows (another database) resets as well.
    try (SseClient stream = new SseClient(server, "/channels/orders/events?from_id=1000")) {
      SseClient.Event reset = stream.next();
      assertThat(reset.event()).isEqualTo("reset");
      assertThat(reset.id()).isEqualTo("10");
    }
  }
}
