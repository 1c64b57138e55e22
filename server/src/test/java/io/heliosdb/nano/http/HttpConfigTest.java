package io.heliosdb.nano.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliosdb.nano.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** [http] of heliosdb.toml: defaults, every key, and mistakes named with their line. */
class HttpConfigTest {
  private static final String HASH = "a".repeat(64);

  @TempDir Path dir;

  private Path write(String text) throws Exception {
    Path f = dir.resolve("heliosdb.toml");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void defaultsServeLoopbackAnonymously() {
    HttpConfig c = HttpConfig.builder().build();
    assertThat(c.enabled()).isTrue();
    assertThat(c.listen()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(54321);
    assertThat(c.anonymous()).isTrue();
    assertThat(c.queueSize()).isEqualTo(1024);
    assertThat(c.heartbeat()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.stallTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.requestHeadTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.requestBodyTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.allowedHosts()).isEmpty();
    assertThat(c.describe()).isEqualTo("anonymous access, loopback only");
  }

  @Test
  void everyKeyIsRead() throws Exception {
    java.nio.file.Files.createDirectories(dir.resolve("pages"));
    HttpConfig c =
        HttpConfig.load(
                write(
                    """
                    [http]
                    enabled = true
                    listen = "localhost"
                    port = 8080
                    max_connections = 50
                    cors_allowed_origins = ["https://app.example"]
                    allowed_hosts = ["app.example", "::1"]
                    queue_size = 64
                    heartbeat_interval = "5s"
                    stall_timeout = "2m"
                    request_head_timeout = "10s"
                    request_body_timeout = "1m"
                    max_header_bytes = 16384
                    static_dir = "pages"

                    [http.tokens]
                    dashboard = { token_sha256 = "%s", subscribe = ["orders", "user_feed_*"] }

                    [http.tokens.backend]
                    token_sha256 = "%s"
                    publish = ["orders"]
                    """
                        .formatted(HASH, "B".repeat(64))))
            .build();
    assertThat(c.listen()).isEqualTo("localhost");
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.maxConnections()).isEqualTo(50);
    assertThat(c.corsAllowedOrigins()).containsExactly("https://app.example");
    assertThat(c.allowedHosts()).containsExactly("app.example", "::1");
    assertThat(c.queueSize()).isEqualTo(64);
    assertThat(c.heartbeat()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.stallTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.requestHeadTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.requestBodyTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.maxHeaderBytes()).isEqualTo(16384);
    assertThat(c.staticDir()).as("relative to the file").isEqualTo(dir.resolve("pages"));
    assertThat(c.anonymous()).as("tokens given: none without one").isFalse();
    assertThat(c.describe()).isEqualTo("2 bearer tokens, loopback only");
    assertThat(c.tokens())
        .extracting(HttpConfig.Token::name)
        .containsExactly("dashboard", "backend");
    HttpConfig.Token dashboard = c.tokens().get(0);
    assertThat(dashboard.subscribe().matches("user_feed_7")).isTrue();
    assertThat(dashboard.subscribe().matches("secret")).isFalse();
    assertThat(dashboard.publish().matches("orders")).isFalse();
    assertThat(c.tokens().get(1).publish().matches("orders")).isTrue();
  }

  @Test
  void mistakesNameTheFileAndLine() throws Exception {
    Path typo = write("[http]\nport = 1\nhearbeat_interval = \"5s\"\n");
    assertThatThrownBy(() -> HttpConfig.load(typo))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            typo + ":3: unknown key http.hearbeat_interval, did you mean heartbeat_interval?");
    Path range = write("[http]\nport = 70000\n");
    assertThatThrownBy(() -> HttpConfig.load(range))
        .hasMessage(range + ":2: http.port = 70000 is out of range: must be 0 to 65535");
    Path duration = write("[http]\n\nstall_timeout = \"soon\"\n");
    assertThatThrownBy(() -> HttpConfig.load(duration))
        .hasMessageStartingWith(duration + ":3: http.stall_timeout must be a duration");
    Path beat = write("[http]\nheartbeat_interval = \"10ms\"\n");
    assertThatThrownBy(() -> HttpConfig.load(beat))
        .hasMessageContaining(":2: http.heartbeat_interval = 10ms is out of range");
    Path hash = write("[http.tokens]\nann = { token_sha256 = \"secret\" }\n");
    assertThatThrownBy(() -> HttpConfig.load(hash))
        .hasMessageStartingWith(hash + ":2: http.tokens.ann: token_sha256 must be 64 hex digits");
    Path key = write("[http.tokens]\nann = { token_sha256 = \"" + HASH + "\", subscrib = [] }\n");
    assertThatThrownBy(() -> HttpConfig.load(key))
        .hasMessageContaining(":2: http.tokens.ann: unknown key subscrib, did you mean subscribe?");
    Path list = write("[http]\ncors_allowed_origins = \"*\"\n");
    assertThatThrownBy(() -> HttpConfig.load(list))
        .hasMessageContaining(":2: http.cors_allowed_origins must be a list of strings");
    Path head = write("[http]\nrequest_head_timeout = 0\n");
    assertThatThrownBy(() -> HttpConfig.load(head))
        .hasMessage(
            head
                + ":2: http.request_head_timeout = 0 is out of range: must be between 1s and 600s");
    Path body = write("[http]\nrequest_body_timeout = \"1h\"\n");
    assertThatThrownBy(() -> HttpConfig.load(body))
        .hasMessage(
            body
                + ":2: http.request_body_timeout = 1h is out of range: must be between 1s and 600s");
    Path hosts = write("[http]\n\nallowed_hosts = [\"https://app.example\"]\n");
    assertThatThrownBy(() -> HttpConfig.load(hosts))
        .hasMessageStartingWith(
            hosts
                + ":3: http.allowed_hosts = \"https://app.example\" is not a host name or"
                + " address");
    Path pages = write("[http]\nstatic_dir = \"no-such-dir\"\n");
    assertThatThrownBy(() -> HttpConfig.load(pages))
        .hasMessage(
            pages
                + ":2: http.static_dir = \""
                + dir.resolve("no-such-dir")
                + "\" is not a directory");
  }

  @Test
  void aNonLoopbackAddressNeedsTokensOrAnonymousAccessSaidOutLoud() throws Exception {
    assertThatThrownBy(() -> HttpConfig.builder().listen("0.0.0.0").build())
        .hasMessageContaining("is not a loopback address: give [http.tokens], or allow_anonymous");
    HttpConfig open = HttpConfig.builder().listen("0.0.0.0").allowAnonymous(true).build();
    assertThat(open.anonymous()).isTrue();
    assertThat(open.describe()).isEqualTo("anonymous access");
    HttpConfig tokens =
        HttpConfig.builder()
            .listen("0.0.0.0")
            .token("t", HASH, java.util.List.of("*"), java.util.List.of())
            .build();
    assertThat(tokens.anonymous()).isFalse();
    assertThat(tokens.describe()).isEqualTo("1 bearer token");
    // Turned off, nothing is checked about the address.
    assertThat(HttpConfig.builder().listen("0.0.0.0").enabled(false).build().enabled()).isFalse();
  }
}
