package io.heliosdb.nano.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.config.HeliosConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * URLs with bad percent-escapes or bytes that are not UTF-8, in every place the gateway reads one
 * (path, channel, from_id, access_token, /ws, static files): each is a 400 with the JSON error, and
 * the connection goes on.
 */
class RequestTargetTest {
  @TempDir Path dir;
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    Path pages = Files.createDirectories(dir.resolve("pages"));
    Files.writeString(pages.resolve("index.html"), "<p>hi</p>");
    server =
        new TestServer(
            HeliosConfig.builder().path(dir.resolve("target.db")).build(),
            HttpConfig.builder().staticDir(pages));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Each target on one kept-alive connection: 400 with the SQLSTATE, then /health answers. */
  private void assertRefused(String sqlState, String message, List<String> targets)
      throws Exception {
    try (RawHttp c = new RawHttp(server)) {
      for (String target : targets) {
        RawHttp.Response r = c.get(target, "Upgrade: websocket", "Connection: Upgrade").read();
        assertThat(r.status()).as(target + ": " + r.body()).isEqualTo(400);
        assertThat(r.json().path("sqlstate").asText()).as(target).isEqualTo(sqlState);
        assertThat(r.json().path("error").asText()).as(target).contains(message);
        assertThat(r.headers().get("content-type")).isEqualTo("application/json; charset=utf-8");
      }
      assertThat(c.get("/health").read().status()).isEqualTo(200);
    }
  }

  @Test
  void badPercentEscapesAre400With22023WhereverTheyAre() throws Exception {
    assertRefused(
        "22023",
        "URL is not valid percent-encoding: \"%zz\"",
        List.of(
            "/events?channel=%zz",
            "/events?channel=a&channel=%zz",
            "/channels/orders/events?from_id=%zz",
            "/channels/orders/events?access_token=%zz",
            "/ws?access_token=%zz",
            "/channels/%zz/events",
            "/channels/orders?x=%zz",
            "/%zz.html",
            "/health?%zz"));
    assertRefused(
        "22023",
        "not valid percent-encoding",
        List.of("/events?channel=%e", "/events?channel=%", "/channels/a%2/events"));
  }

  @Test
  void bytesThatAreNotUtf8Are400With22021() throws Exception {
    assertRefused(
        "22021",
        "URL is not valid UTF-8",
        List.of(
            "/channels/%ff%fe/events",
            "/events?channel=%ff",
            "/events?channel=ok&channel=%c3",
            "/channels/orders/events?from_id=%c3%28",
            "/channels/orders/events?access_token=%ed%a0%80", // an encoded surrogate
            "/ws?access_token=%80",
            "/index%ff.html"));
  }

  @Test
  void rawBytesThatAreNotUtf8InTheRequestLineAre400Too() throws Exception {
    try (RawHttp c = new RawHttp(server)) {
      c.send("GET /channels/\u00ff\u00fe/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      RawHttp.Response r = c.read();
      assertThat(r.status()).as(r.body()).isEqualTo(400);
    }
  }

  @Test
  void validEscapesStillWork() throws Exception {
    try (RawHttp c = new RawHttp(server)) {
      assertThat(c.get("/ind%65x.html").read().body()).isEqualTo("<p>hi</p>");
      assertThat(c.get("/health?probe=%C3%A9t%C3%A9").read().status()).isEqualTo(200);
    }
    try (SseClient feed = new SseClient(server, "/events?channel=caf%C3%A9")) {
      server.db.pubsub().notify("café", "x");
      assertThat(feed.next().event()).isEqualTo("café");
    }
  }
}
