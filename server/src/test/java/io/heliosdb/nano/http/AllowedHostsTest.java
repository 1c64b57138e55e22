package io.heliosdb.nano.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliosdb.nano.config.HeliosConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DNS rebinding: a page of evil.example whose name now points at 127.0.0.1 reaches a loopback
 * gateway with its own name in Host (and as its Origin); the gateway answers 421 to every request
 * that names a host it does not have.
 */
class AllowedHostsTest {
  @TempDir Path dir;
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(HttpConfig.Builder http) throws Exception {
    server = new TestServer(HeliosConfig.builder().path(dir.resolve("hosts.db")).build(), http);
  }

  private String upgrade(String host) {
    return "GET /ws HTTP/1.1\r\nHost: "
        + host
        + "\r\nOrigin: http://"
        + host
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  }

  private String post(String host) {
    return "POST /channels/c HTTP/1.1\r\nHost: "
        + host
        + "\r\nOrigin: http://"
        + host
        + "\r\nContent-Length: 1\r\n\r\nx";
  }

  private static void assertMisdirected(RawHttp.Response r, String host) throws Exception {
    assertThat(r.status()).as(r.body()).isEqualTo(421);
    assertThat(r.json().path("sqlstate").asText()).isEqualTo("42501");
    assertThat(r.json().path("error").asText())
        .contains("Host \"" + host + "\" is not a name of this gateway")
        .contains("allowed_hosts");
  }

  @Test
  void aRebindingPageGets421ForEveryRequestOnTheDefaultGateway() throws Exception {
    start(HttpConfig.builder());
    String evil = "evil.example:" + server.http.port();
    try (RawHttp c = new RawHttp(server)) {
      assertMisdirected(c.send(post(evil)).read(), evil);
      assertMisdirected(c.send(upgrade(evil)).read(), evil);
      c.send("GET /channels/c/events HTTP/1.1\r\nHost: " + evil + "\r\n\r\n");
      assertMisdirected(c.read(), evil);
      c.send("GET /health HTTP/1.1\r\nHost: evil.example\r\n\r\n");
      assertMisdirected(c.read(), "evil.example");
      // The connection goes on, for a request that names the gateway.
      assertThat(c.get("/health").read().status()).isEqualTo(200);
    }
    assertThat(server.http.webSocketCount()).isZero();
    assertThat(server.http.streamCount()).isZero();
  }

  @Test
  void loopbackNamesAndAddressesPassWithOrWithoutThePort() throws Exception {
    start(HttpConfig.builder());
    int port = server.http.port();
    try (RawHttp c = new RawHttp(server)) {
      for (String host :
          List.of(
              "localhost",
              "localhost:" + port,
              "LocalHost.:" + port,
              "app.localhost:" + port,
              "127.0.0.1",
              "127.0.0.1:" + port,
              "[::1]:" + port,
              "[::1]",
              "192.168.1.20:" + port)) {
        c.send("GET /health HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        assertThat(c.read().status()).as(host).isEqualTo(200);
      }
      // The gateway's own pages may still POST and open a WebSocket.
      assertThat(c.send(post("localhost:" + port)).read().status()).isEqualTo(204);
      assertThat(c.send(upgrade("127.0.0.1:" + port)).read().status()).isEqualTo(101);
    }
  }

  @Test
  void allowedHostsAddsNamesAndStarAllowsAny() throws Exception {
    start(HttpConfig.builder().allowedHosts(List.of("app.example")));
    String app = "APP.example:" + server.http.port();
    try (RawHttp c = new RawHttp(server)) {
      assertThat(c.send(post(app)).read().status()).as("its own origin").isEqualTo(204);
      assertMisdirected(c.send(post("evil.example")).read(), "evil.example");
    }
    server.close();
    start(HttpConfig.builder().allowedHosts(List.of("*")));
    try (RawHttp c = new RawHttp(server)) {
      assertThat(c.send(post("evil.example")).read().status()).isEqualTo(204);
    }
  }

  @Test
  void theRuleOfEachListenAddress() {
    AllowedHosts loopback = new AllowedHosts("127.0.0.1", true, List.of());
    assertThat(loopback.allows("evil.example:54321")).isFalse();
    assertThat(loopback.allows("localhost:http")).as("a port is digits").isFalse();
    assertThat(loopback.allows("[::1]:54321")).isTrue();
    assertThat(loopback.allows("[evil.example]")).isFalse();
    assertThat(loopback.allows("127.0.0.300")).as("not an address: a name").isFalse();
    assertThat(new AllowedHosts("gw.internal", true, List.of()).allows("gw.internal:1"))
        .as("the listen address")
        .isTrue();
    // Another address needs tokens already: any Host, unless allowed_hosts says which.
    AllowedHosts open = new AllowedHosts("0.0.0.0", false, List.of());
    assertThatCode(() -> open.check(withHost("evil.example"))).doesNotThrowAnyException();
    AllowedHosts listed = new AllowedHosts("0.0.0.0", false, List.of("db.example.com"));
    assertThat(listed.allows("db.example.com:54321")).isTrue();
    assertThatThrownBy(() -> listed.check(withHost("evil.example")))
        .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.status().code()).isEqualTo(421));
  }

  private static io.netty.handler.codec.http.HttpRequest withHost(String host) {
    var req =
        new io.netty.handler.codec.http.DefaultHttpRequest(
            io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
            io.netty.handler.codec.http.HttpMethod.GET,
            "/health");
    req.headers().set("Host", host);
    return req;
  }
}
