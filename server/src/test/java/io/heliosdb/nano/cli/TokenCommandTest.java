package io.heliosdb.nano.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.http.HttpConfig;
import io.heliosdb.nano.http.HttpGateway;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code heliosdb token NAME}: the line it prints is a valid [http.tokens] entry. */
class TokenCommandTest {
  private static final Pattern TOKEN =
      Pattern.compile(
          "heliosdb: token for (.+) \\(shown once, stored nowhere\\): ([A-Za-z0-9_-]{43})\n");

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int token(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "token";
    System.arraycopy(args, 0, all, 1, args.length);
    return Main.run(
        new ByteArrayInputStream(new byte[0]),
        false,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        all);
  }

  @Test
  void printsTheHashOnStandardOutputAndTheTokenOnStandardError() throws Exception {
    assertThat(token("dash board", "--subscribe", "orders", "--subscribe", "user_feed_*")).isZero();
    String line = out.toString(StandardCharsets.UTF_8);
    assertThat(line)
        .matches(
            "\"dash board\" = \\{ token_sha256 = \"[0-9a-f]{64}\", subscribe = \\[\"orders\","
                + " \"user_feed_\\*\"], publish = \\[] }\n");
    Matcher m = TOKEN.matcher(err.toString(StandardCharsets.UTF_8));
    assertThat(m.matches()).isTrue();
    assertThat(m.group(1)).isEqualTo("dash board");
    assertThat(line).doesNotContain(m.group(2));

    Path f = Files.writeString(dir.resolve("heliosdb.toml"), "[http.tokens]\n" + line);
    HttpConfig c = HttpConfig.load(f).build();
    assertThat(c.describe()).isEqualTo("1 bearer token, loopback only");
    assertThat(c.anonymous()).isFalse();

    out.reset();
    err.reset();
    assertThat(token("x")).isZero();
    Matcher other = TOKEN.matcher(err.toString(StandardCharsets.UTF_8));
    assertThat(other.matches()).isTrue();
    assertThat(other.group(2)).isNotEqualTo(m.group(2));
  }

  @Test
  void theTokenItPrintsIsAcceptedByTheHttpPort() throws Exception {
    assertThat(token("backend", "--publish", "orders")).isZero();
    Matcher m = TOKEN.matcher(err.toString(StandardCharsets.UTF_8));
    assertThat(m.matches()).isTrue();
    Path f =
        Files.writeString(
            dir.resolve("heliosdb.toml"),
            "[http]\nport = 0\n[http.tokens]\n" + out.toString(StandardCharsets.UTF_8));
    try (HeliosDB db = HeliosDB.inMemory();
        HttpGateway http = HttpGateway.start(db, HttpConfig.load(f).build(), () -> 0)) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (String token : new String[] {m.group(2), m.group(2) + "x"}) {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + http.port() + "/channels/orders"))
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString("paid"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(token.equals(m.group(2)) ? 204 : 401);
      }
    }
  }
}
