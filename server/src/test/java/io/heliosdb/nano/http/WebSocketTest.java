package io.heliosdb.nano.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.heliosdb.nano.config.HeliosConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /ws with the JDK's WebSocket client: requests, notifications, resume, auth and bad input. */
class WebSocketTest {
  private static final String READER = "ws-reader-5d1c";

  @TempDir Path dir;
  private TestServer server;
  private final List<WsClient> clients = new ArrayList<>();

  @AfterEach
  void stop() {
    clients.forEach(WsClient::close);
    if (server != null) {
      server.close();
    }
  }

  private void start(HttpConfig.Builder http) throws Exception {
    server =
        new TestServer(
            HeliosConfig.builder()
                .path(dir.resolve("ws.db"))
                .durableChannels("orders")
                .maxPayloadBytes(4000)
                .metricsEnabled(true)
                .build(),
            http);
  }

  private WsClient client(String... headers) {
    WsClient c = WsClient.connect(server, headers);
    clients.add(c);
    return c;
  }

  private void pgNotify(String channel, String payload) throws Exception {
    try (Connection c = server.pg();
        Statement s = c.createStatement()) {
      s.execute("SELECT pg_notify('" + channel + "', '" + payload + "')");
    }
  }

  @Test
  void subscribesAndReceivesWhatTheWireCommitsAndWhatItPublishesItself() throws Exception {
    start(HttpConfig.builder());
    WsClient ws = client();
    ws.send("{\"op\":\"subscribe\",\"channels\":[\"news\",\"news\",\"orders\"],\"ref\":1}");
    JsonNode ack = ws.next();
    assertThat(ack.toString())
        .isEqualTo("{\"op\":\"subscribed\",\"channels\":[\"news\",\"orders\"],\"ref\":1}");

    pgNotify("news", "from the wire");
    JsonNode n = ws.next();
    assertThat(n.path("op").asText()).isEqualTo("notification");
    assertThat(n.path("channel").asText()).isEqualTo("news");
    assertThat(n.path("payload").asText()).isEqualTo("from the wire");
    assertThat(n.has("id")).as("news is not durable: no id").isFalse();

    ws.send("{\"op\":\"notify\",\"channel\":\"orders\",\"payload\":{\"id\":7},\"ref\":\"p\"}");
    List<JsonNode> two = List.of(ws.next(), ws.next());
    JsonNode published =
        two.stream().filter(m -> m.path("op").asText().equals("notification")).findFirst().get();
    assertThat(published.path("payload").asText()).isEqualTo("{\"id\":7}");
    assertThat(published.path("id").asLong()).as("durable: its log id").isPositive();
    assertThat(two)
        .anySatisfy(
            m ->
                assertThat(m.toString())
                    .isEqualTo("{\"op\":\"notified\",\"channel\":\"orders\",\"ref\":\"p\"}"));
    assertThat(server.get("/metrics").body()).contains("heliosdb_http_websockets 1");
  }

  @Test
  void notificationsArriveInCommitOrderAndRollbacksSendNothing() throws Exception {
    start(HttpConfig.builder());
    WsClient ws = client();
    ws.send("{\"op\":\"subscribe\",\"channels\":[\"a\",\"b\"]}");
    ws.next("subscribed");
    try (Connection c = server.pg();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("NOTIFY a, 'rolled back'");
      c.rollback();
      for (int i = 0; i < 200; i++) {
        s.execute("NOTIFY " + (i % 2 == 0 ? "a" : "b") + ", '" + i + "'");
        c.commit();
      }
    }
    for (int i = 0; i < 200; i++) {
      JsonNode n = ws.next();
      assertThat(n.path("payload").asText()).isEqualTo(Integer.toString(i));
      assertThat(n.path("channel").asText()).isEqualTo(i % 2 == 0 ? "a" : "b");
    }
  }

  @Test
  void unsubscribeStopsDeliveryAtOnce() throws Exception {
    start(HttpConfig.builder());
    WsClient ws = client();
    ws.send("{\"op\":\"subscribe\",\"channels\":[\"a\",\"b\"]}");
    ws.next("subscribed");
    ws.send("{\"op\":\"unsubscribe\",\"channels\":[\"a\"],\"ref\":2}");
    assertThat(ws.next().toString())
        .isEqualTo("{\"op\":\"unsubscribed\",\"channels\":[\"a\"],\"ref\":2}");
    pgNotify("a", "not for us");
    pgNotify("b", "marker");
    assertThat(ws.next().path("payload").asText()).isEqualTo("marker");
    ws.send("{\"op\":\"unsubscribe\"}");
    ws.next("unsubscribed");
    pgNotify("b", "not any more");
    ws.send("{\"op\":\"subscribe\",\"channels\":[\"c\"]}");
    ws.next("subscribed");
    pgNotify("c", "second marker");
    assertThat(ws.next().path("payload").asText()).isEqualTo("second marker");
  }

  @Test
  void resumesADurableChannelFromAnIdAcrossARestartWithoutGapOrDuplicate() throws Exception {
    start(HttpConfig.builder());
    for (int i = 1; i <= 5; i++) {
      pgNotify("orders", "o" + i);
    }
    server.restart();
    WsClient ws = client();
    ws.send("{\"op\":\"subscribe\",\"channels\":[\"orders\"],\"from_id\":2,\"ref\":\"r\"}");
    assertThat(ws.next().path("op").asText()).isEqualTo("subscribed");
    pgNotify("orders", "o6");
    for (int i = 3; i <= 6; i++) {
      JsonNode n = ws.next();
      assertThat(n.path("payload").asText()).isEqualTo("o" + i);
      assertThat(n.path("id").asLong()).isEqualTo(i);
    }
    ws.send("{\"op\":\"subscribe\",\"channels\":[\"orders\"],\"from_id\":0}");
    assertThat(ws.next().path("sqlstate").asText()).as("already being resumed").isEqualTo("42710");
    ws.send("{\"op\":\"subscribe\",\"channels\":[\"news\"],\"from_id\":0,\"ref\":9}");
    JsonNode e = ws.next();
    assertThat(e.path("op").asText()).isEqualTo("error");
    assertThat(e.path("sqlstate").asText()).isEqualTo("22023");
    assertThat(e.path("error").asText()).contains("not durable");
    assertThat(e.path("ref").asInt()).isEqualTo(9);
  }

  @Test
  void aLiveChannelMovedToAResumeIsDeliveredOnceFromTheId() throws Exception {
    start(HttpConfig.builder());
    WsClient ws = client();
    ws.send("{\"op\":\"subscribe\",\"channels\":[\"orders\"]}");
    ws.next("subscribed");
    for (int i = 1; i <= 3; i++) {
      pgNotify("orders", "o" + i);
      assertThat(ws.next().path("id").asLong()).isEqualTo(i);
    }
    ws.send("{\"op\":\"subscribe\",\"channels\":[\"orders\"],\"from_id\":1}");
    ws.next("subscribed");
    pgNotify("orders", "o4");
    pgNotify("orders", "o5");
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(ws.next().path("id").asLong());
    }
    assertThat(ids).containsExactly(2L, 3L, 4L, 5L);
    pgNotify("other", "marker");
    ws.send("{\"op\":\"subscribe\",\"channels\":[\"other\"]}");
    ws.next("subscribed");
    pgNotify("other", "after");
    assertThat(ws.next().path("payload").asText()).as("nothing more of orders").isEqualTo("after");
  }

  @Test
  void anExpiredResumeIdGetsAResetFirst() throws Exception {
    start(HttpConfig.builder());
    pgNotify("orders", "only");
    WsClient ws = client();
    ws.send("{\"op\":\"subscribe\",\"channels\":[\"orders\"],\"from_id\":999}");
    ws.next("subscribed");
    JsonNode reset = ws.next();
    assertThat(reset.path("op").asText()).isEqualTo("reset");
    assertThat(reset.path("continues_after").asLong()).isEqualTo(1);
  }

  @Test
  void badRequestsGetErrorsWithSqlStatesAndTheConnectionGoesOn() throws Exception {
    start(HttpConfig.builder());
    WsClient ws = client();
    String[][] cases = {
      {"{not json", "22P02", "malformed JSON"},
      {"[1,2]", "22023", "JSON object"},
      {"{\"ref\":5}", "22023", "needs \"op\""},
      {"{\"op\":\"listen\",\"ref\":5}", "22023", "unknown op \"listen\""},
      {"{\"op\":\"subscribe\",\"channels\":[]}", "22023", "non-empty array"},
      {"{\"op\":\"subscribe\",\"channels\":[7]}", "22023", "must hold strings"},
      {"{\"op\":\"subscribe\",\"channels\":[\"a\\u0001b\"]}", "22023", "control character"},
      {"{\"op\":\"subscribe\",\"channels\":[\"" + "x".repeat(64) + "\"]}", "22023", "64 bytes"},
      {"{\"op\":\"subscribe\",\"channels\":[\"orders\"],\"from_id\":-1}", "22023", "from_id"},
      {"{\"op\":\"notify\",\"payload\":\"x\"}", "22023", "needs \"channel\""},
      {
        "{\"op\":\"notify\",\"channel\":\"a\",\"payload\":\"" + "y".repeat(4000) + "\"}",
        "22023",
        "payload string too long"
      },
      {"{\"op\":\"notify\",\"channel\":\"a\",\"payload\":\"\\ud800\"}", "22021", "surrogate"},
      {"{\"op\":\"subscribe\",\"channels\":[\"a\\udc00\"]}", "22021", "not valid UTF-8"},
      {"{\"op\":\"notify\",\"channel\":\"\\ud800\",\"payload\":\"x\"}", "22021", "not valid UTF-8"},
    };
    for (String[] c : cases) {
      ws.send(c[0]);
      JsonNode e = ws.next();
      assertThat(e.path("op").asText()).as(c[0]).isEqualTo("error");
      assertThat(e.path("sqlstate").asText()).as(c[0]).isEqualTo(c[1]);
      assertThat(e.path("error").asText()).as(c[0]).contains(c[2]);
    }
    ws.send("{\"op\":\"listen\",\"ref\":[1,{\"k\":2}]}");
    assertThat(ws.next().path("ref").toString()).isEqualTo("[1,{\"k\":2}]");
    ws.send("{\"op\":\"subscribe\",\"channels\":[\"still\"]}");
    ws.next("subscribed");
    pgNotify("still", "usable");
    assertThat(ws.next().path("payload").asText()).isEqualTo("usable");
  }

  @Test
  void aMessageLongerThanTheLimitClosesWith1009AndTheServerGoesOn() throws Exception {
    start(HttpConfig.builder());
    WsClient ws = client();
    ws.ws.sendText(
        "{\"op\":\"notify\",\"channel\":\"a\",\"payload\":\"" + "z".repeat(70_000) + "\"}", true);
    assertThat(ws.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
    WsClient fragmented = client();
    fragmented.ws.sendText("{\"op\":\"notify\",\"payload\":\"" + "z".repeat(40_000), false).join();
    fragmented.ws.sendText("z".repeat(40_000) + "\"}", true);
    assertThat(fragmented.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
    WsClient binary = client();
    binary.ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true);
    assertThat(binary.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1003);
    WsClient after = client();
    after.send("{\"op\":\"subscribe\",\"channels\":[\"a\"]}");
    assertThat(after.next().path("op").asText()).isEqualTo("subscribed");
  }

  @Test
  void tokensDecideWhoMaySubscribeAndPublish() throws Exception {
    start(
        HttpConfig.builder()
            .token("feed-1", AuthTest.sha256(READER), List.of("user_feed_1"), List.of()));
    assertThatThrownBy(() -> client())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOfSatisfying(
            WebSocketHandshakeException.class,
            e -> assertThat(e.getResponse().statusCode()).isEqualTo(401));
    WsClient ws = WsClient.connect(WsClient.wsUri(server, "/ws?access_token=" + READER), true);
    clients.add(ws);
    ws.send("{\"op\":\"subscribe\",\"channels\":[\"user_feed_2\"],\"ref\":1}");
    JsonNode e = ws.next();
    assertThat(e.path("sqlstate").asText()).isEqualTo("42501");
    assertThat(e.path("error").asText()).contains("may not subscribe to channel \"user_feed_2\"");
    ws.send("{\"op\":\"notify\",\"channel\":\"user_feed_1\",\"payload\":\"x\"}");
    assertThat(ws.next().path("error").asText()).contains("may not publish on");
    ws.send("{\"op\":\"subscribe\",\"channels\":[\"user_feed_1\"]}");
    ws.next("subscribed");
    pgNotify("user_feed_1", "yours");
    assertThat(ws.next().path("payload").asText()).isEqualTo("yours");
  }

  @Test
  void pagesOfOtherOriginsAreRefusedButTheGatewaysOwnAndAllowedOnesPass() throws Exception {
    start(HttpConfig.builder().corsAllowedOrigins(List.of("https://app.example")));
    assertThatThrownBy(() -> client("Origin", "https://evil.example"))
        .cause()
        .isInstanceOfSatisfying(
            WebSocketHandshakeException.class,
            e -> assertThat(e.getResponse().statusCode()).isEqualTo(403));
    client("Origin", "https://app.example").send("{\"op\":\"subscribe\",\"channels\":[\"a\"]}");
    client("Origin", "http://127.0.0.1:" + server.http.port())
        .send("{\"op\":\"subscribe\",\"channels\":[\"a\"]}");
    for (WsClient c : clients) {
      assertThat(c.next().path("op").asText()).isEqualTo("subscribed");
    }
    HttpResponse<String> post = server.post("/channels/a", "x", "Origin", "https://evil.example");
    assertThat(post.statusCode()).isEqualTo(403);
    assertThat(post.body()).contains("42501");
  }

  @Test
  void aClientThatStopsReadingGetsAnOverflowWithTheCountAndOthersLoseNothing() throws Exception {
    start(HttpConfig.builder().queueSize(100));
    WsClient slow = WsClient.connect(WsClient.wsUri(server, "/ws"), false);
    clients.add(slow);
    WsClient fast = client();
    for (WsClient c : clients) {
      c.send("{\"op\":\"subscribe\",\"channels\":[\"bulk\"]}");
    }
    assertThat(slow.next().path("op").asText()).isEqualTo("subscribed");
    fast.next("subscribed");
    int sent = 8000;
    String payload = "p".repeat(2000); // 16 MB in all: more than socket buffers hold
    for (int i = 0; i < sent; i++) {
      server.db.pubsub().notify("bulk", payload);
      if (i % 50 == 49) { // the fast client keeps up: never more than its queue behind
        for (int j = 0; j < 50; j++) {
          assertThat(fast.next().path("op").asText()).isEqualTo("notification");
        }
      }
    }
    slow.request(Long.MAX_VALUE);
    long received = 0;
    long dropped = 0;
    while (received + dropped < sent) {
      JsonNode m = slow.next();
      if (m.path("op").asText().equals("overflow")) {
        dropped += m.path("dropped").asLong();
      } else {
        received++;
      }
    }
    assertThat(dropped).as("the slow client was told what it missed").isPositive();
    assertThat(received + dropped).isEqualTo(sent);
    assertThat(server.http.pendingWriteBytes()).isLessThan(1 << 20);
  }

  @Test
  void aClientThatStillReadsNothingAfterItsQueueFilledIsDisconnected() throws Exception {
    // Pings every 5 min: only the stall timeout may close it here.
    start(
        HttpConfig.builder()
            .queueSize(1000)
            .stallTimeout(Duration.ofMillis(300))
            .heartbeat(Duration.ofMinutes(5)));
    WsClient fast = client();
    fast.send("{\"op\":\"subscribe\",\"channels\":[\"bulk\"]}");
    fast.next("subscribed");
    try (Socket slow = new Socket()) {
      slow.setReceiveBufferSize(4096); // no autotuning: the kernel holds little for it
      slow.connect(server.http.address());
      slow.setSoTimeout(10_000);
      OutputStream out = slow.getOutputStream();
      out.write(RawWebSocket.UPGRADE);
      // sent before the 101 arrived
      out.write(RawWebSocket.maskedText("{\"op\":\"subscribe\",\"channels\":[\"bulk\"]}"));
      out.flush();
      // Then it reads nothing more.
      assertThat(RawWebSocket.readUntil(slow.getInputStream(), "subscribed"))
          .startsWith("HTTP/1.1 101");
      String payload = "p".repeat(2000);
      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () -> {
                for (int i = 0; i < 500; i++) { // 1 MB a round, until the stall timeout closes it
                  server.db.pubsub().notify("bulk", payload);
                }
                return server.http.webSocketCount() == 1;
              });
    }
    server.db.pubsub().notify("bulk", "still served");
    JsonNode last = fast.next();
    while (!last.path("payload").asText().equals("still served")) {
      last = fast.next();
    }
    assertThat(fast.ws.isInputClosed()).isFalse();
  }

  @Test
  void aStoppingServerClosesWith1001() throws Exception {
    start(HttpConfig.builder());
    WsClient ws = client();
    ws.send("{\"op\":\"subscribe\",\"channels\":[\"a\"]}");
    ws.next("subscribed");
    server.close();
    assertThat(ws.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
    server = null;
  }

  @Test
  void aPlainGetOfWsIsToldToUpgrade() throws Exception {
    start(HttpConfig.builder());
    HttpResponse<String> r = server.get("/ws");
    assertThat(r.statusCode()).isEqualTo(426);
    assertThat(r.headers().firstValue("Upgrade")).hasValue("websocket");
    assertThat(server.get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void theServerPingsAndDropsAClientThatNeverAnswers() throws Exception {
    start(HttpConfig.builder().heartbeat(Duration.ofMillis(200)));
    WsClient ws = client();
    await().atMost(Duration.ofSeconds(10)).until(() -> ws.pings.get() >= 3);
    ws.send("{\"op\":\"subscribe\",\"channels\":[\"a\"]}");
    assertThat(ws.next().path("op").asText())
        .as("answering pings keeps it open")
        .isEqualTo("subscribed");

    try (Socket s = new Socket("127.0.0.1", server.http.port())) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(RawWebSocket.UPGRADE);
      out.flush();
      InputStream in = s.getInputStream();
      assertThat(RawWebSocket.readUntil(in, "\r\n\r\n")).startsWith("HTTP/1.1 101");
      int pingsSeen = 0;
      int b;
      // Reads pings (0x89) and never answers: the server closes the connection.
      while ((b = in.read()) >= 0) {
        if (b == 0x89) {
          pingsSeen++;
        }
      }
      assertThat(pingsSeen).isGreaterThanOrEqualTo(2);
    }
  }
}
