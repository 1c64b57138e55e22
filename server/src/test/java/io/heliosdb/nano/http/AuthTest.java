package io.heliosdb.nano.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.config.HeliosConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer tokens with channel allowlists, and anonymous access. */
class AuthTest {
  private static final String READER = "reader-7f3a9c1e5b2d";
  private static final String WRITER = "writer-0c8e4a6f2b1d";

  @TempDir Path dir;
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  static String sha256(String token) {
    return HexFormat.of().formatHex(Access.sha256(token));
  }

  private void start(HttpConfig.Builder http) throws Exception {
    server = new TestServer(HeliosConfig.builder().path(dir.resolve("auth.db")).build(), http);
  }

  private static HttpConfig.Builder withTokens() {
    return HttpConfig.builder()
        .token("dashboard", sha256(READER), List.of("orders", "user_feed_*"), List.of())
        .token("backend", sha256(WRITER), List.of(), List.of("orders"));
  }

  private String getError(String path, String... headers) throws Exception {
    var b = server.request(path).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return TestServer.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private int status(String path, String... headers) throws Exception {
    var b = server.request(path).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    // Read only the head: a stream that is allowed would not end.
    HttpResponse<java.io.InputStream> r =
        TestServer.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    r.body().close();
    return r.statusCode();
  }

  private static String bearer(String token) {
    return "Bearer " + token;
  }

  @Test
  void withoutATokenEverythingOnChannelsIs401ButHealthIsOpen() throws Exception {
    start(withTokens());
    var get =
        TestServer.CLIENT.send(
            server.request("/channels/orders/events").GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(401);
    assertThat(get.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"heliosdb\"");
    assertThat(get.body())
        .contains("\"sqlstate\":\"28000\"")
        .contains("a bearer token is required");
    assertThat(server.post("/channels/orders", "x").statusCode()).isEqualTo(401);
    assertThat(status("/health")).isEqualTo(200);
  }

  @Test
  void aWrongTokenOrAnotherSchemeIs401() throws Exception {
    start(withTokens());
    var wrong =
        TestServer.CLIENT.send(
            server
                .request("/channels/orders/events")
                .header("Authorization", bearer(READER + "x"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("error=\"invalid_token\"");
    assertThat(getError("/channels/orders/events", "Authorization", "Basic dXNlcjpwYXNz"))
        .contains("only bearer tokens are accepted");
    assertThat(server.post("/channels/orders", "x", "Authorization", bearer("nope")).statusCode())
        .isEqualTo(401);
  }

  @Test
  void tokensMayOnlyUseTheirChannels() throws Exception {
    start(withTokens());
    String r = bearer(READER);
    String w = bearer(WRITER);
    assertThat(status("/channels/orders/events", "Authorization", r)).isEqualTo(200);
    assertThat(status("/channels/user_feed_42/events", "Authorization", r)).isEqualTo(200);
    assertThat(status("/channels/secret/events", "Authorization", r)).isEqualTo(403);
    assertThat(getError("/events?channel=orders&channel=secret", "Authorization", r))
        .contains("token \\\"dashboard\\\" may not subscribe to channel \\\"secret\\\"")
        .contains("\"sqlstate\":\"42501\"");
    assertThat(status("/channels/orders/events", "Authorization", w)).isEqualTo(403);
    // As EventSource can: the token in the query (RFC 6750), for streams only.
    assertThat(status("/channels/orders/events?access_token=" + READER)).isEqualTo(200);
    assertThat(status("/channels/secret/events?access_token=" + READER)).isEqualTo(403);
    assertThat(status("/channels/orders/events?access_token=nope")).isEqualTo(401);
    assertThat(server.post("/channels/orders?access_token=" + WRITER, "x").statusCode())
        .isEqualTo(401);

    assertThat(server.post("/channels/orders", "x", "Authorization", r).statusCode())
        .isEqualTo(403);
    assertThat(server.post("/channels/other", "x", "Authorization", w).statusCode()).isEqualTo(403);
    // Allowed: published, and the reader's stream receives it.
    try (SseClient feed = new SseClient(server, "/channels/orders/events", "Authorization", r)) {
      assertThat(server.post("/channels/orders", "paid", "Authorization", w).statusCode())
          .isEqualTo(204);
      assertThat(feed.next().data()).isEqualTo("paid");
    }
  }

  @Test
  void anonymousAccessWhenAllowedAlongsideTokens() throws Exception {
    start(withTokens().allowAnonymous(true));
    assertThat(status("/channels/anything/events")).isEqualTo(200);
    assertThat(server.post("/channels/anything", "x").statusCode()).isEqualTo(204);
    // A token that is given must still be valid, and keeps its own limits.
    assertThat(status("/channels/anything/events", "Authorization", bearer("nope"))).isEqualTo(401);
    assertThat(status("/channels/anything/events", "Authorization", bearer(READER))).isEqualTo(403);
  }

  @Test
  void noTokensOnLoopbackIsAnonymousUnlessSwitchedOff() throws Exception {
    start(HttpConfig.builder());
    assertThat(status("/channels/c/events")).isEqualTo(200);
    assertThat(server.post("/channels/c", "x").statusCode()).isEqualTo(204);
    server.close();
    server = null;
    start(HttpConfig.builder().allowAnonymous(false));
    assertThat(status("/channels/c/events")).isEqualTo(401);
    assertThat(server.post("/channels/c", "x").statusCode()).isEqualTo(401);
  }
}
