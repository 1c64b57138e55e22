package io.heliosdb.nano.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.config.HeliosConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wrong bearer tokens from one client address are answered 401 later and later, counted in
 * /metrics, and logged once; the right token still works; another address is not slowed down.
 */
class TokenThrottleTest {
  private static final String TOKEN = "right-4c1f0e9a7b3d";

  @TempDir Path dir;
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        new TestServer(
            HeliosConfig.builder().path(dir.resolve("tokens.db")).metricsEnabled(true).build(),
            HttpConfig.builder().token("app", AuthTest.sha256(TOKEN), List.of("*"), List.of("*")));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** A request with a wrong token on {@code c}: how long until its 401 arrived, in ms. */
  private static long failOnce(RawHttp c, String target) throws Exception {
    long start = System.nanoTime();
    RawHttp.Response r = c.get(target, "Authorization: Bearer wrong").read();
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().path("sqlstate").asText()).isEqualTo("28000");
    assertThat(r.headers().get("www-authenticate")).contains("invalid_token");
    return millis;
  }

  private String metric(String name) throws Exception {
    for (String line : server.get("/metrics").body().split("\n")) {
      if (line.startsWith(name + " ")) {
        return line.substring(name.length() + 1);
      }
    }
    throw new AssertionError("no " + name + " in /metrics");
  }

  @Test
  void wrongTokensAreAnsweredLaterAndLaterAndTheRightOneStillWorks() throws Exception {
    try (StderrCapture log = new StderrCapture();
        RawHttp c = new RawHttp(server)) {
      failOnce(c, "/channels/a/events");
      for (int n = 2; n <= 5; n++) {
        long expected = 100L << (n - 2); // 100, 200, 400, 800 ms
        String target = n % 2 == 0 ? "/ws" : "/channels/a/events?access_token=wrong";
        assertThat(failOnce(c, target)).as("failure " + n).isGreaterThanOrEqualTo(expected);
      }
      assertThat(metric("heliosdb_auth_failures_total")).isEqualTo("5.0");
      assertThat(metric("heliosdb_auth_throttled_total")).isEqualTo("4.0");
      // No token at all is no guess: refused at once, not counted.
      assertThat(c.get("/channels/a/events").read().status()).isEqualTo(401);
      assertThat(metric("heliosdb_auth_failures_total")).isEqualTo("5.0");
      // The same kept-alive connection, with the right token.
      c.send(
          "POST /channels/a HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
              + TOKEN
              + "\r\nContent-Length: 2\r\n\r\nok");
      assertThat(c.read().status()).isEqualTo(204);
      assertThat(log.text().split("failed authentications in a row from 127.0.0.1", -1))
          .as("one line when the throttling starts, not one per failure")
          .hasSize(2);
    }
  }

  @Test
  void anotherAddressIsNotSlowedDown() throws Exception {
    try (RawHttp c = new RawHttp(server)) {
      for (int n = 1; n <= 3; n++) {
        failOnce(c, "/channels/a/events");
      }
    }
    assertThat(metric("heliosdb_auth_throttled_total")).isEqualTo("2.0");
    try (RawHttp other = new RawHttp(server.http.port(), "127.0.0.2")) {
      failOnce(other, "/channels/a/events");
      assertThat(metric("heliosdb_auth_throttled_total"))
          .as("127.0.0.2's first failure is answered at once")
          .isEqualTo("2.0");
      other.send(
          "POST /channels/a HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
              + TOKEN
              + "\r\nContent-Length: 2\r\n\r\nok");
      assertThat(other.read().status()).isEqualTo(204);
    }
    assertThat(metric("heliosdb_auth_failures_total")).isEqualTo("4.0");
  }
}
