package io.heliosdb.nano.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.wire.TestCertificate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

/** {@code heliosdb serve}, run in-process on a background thread and stopped without exiting. */
class ServeCommandTest {
  private static final Pattern START =
      Pattern.compile(
          "heliosdb: serving (.+) \\(synchronous = full\\) at postgresql://127\\.0\\.0\\.1:(\\d+)"
              + " \\(trust authentication, loopback only\\)\n");

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** Runs serve; on a free HTTP port unless the arguments say otherwise. */
  private CompletableFuture<Integer> serve(CompletableFuture<Void> stop, String... args) {
    java.util.List<String> list = new java.util.ArrayList<>(java.util.List.of(args));
    if (!list.contains("--no-http") && !list.contains("--http-port")) {
      list.add("--http-port");
      list.add("0");
    }
    list.add(0, "serve");
    String[] all = list.toArray(new String[0]);
    return CompletableFuture.supplyAsync(
        () ->
            Main.run(
                new ByteArrayInputStream(new byte[0]),
                false,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                stop,
                all));
  }

  @Test
  void servesTheDatabaseFileUntilStopped() throws Exception {
    Path db = dir.resolve("served.db");
    CompletableFuture<Void> stop = new CompletableFuture<>();
    CompletableFuture<Integer> status = serve(stop, "--db", db.toString(), "--port", "0");

    await().atMost(Duration.ofSeconds(30)).until(() -> START.matcher(text(out)).find());
    Matcher m = START.matcher(text(out));
    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).isEqualTo(db.toAbsolutePath().toString());
    int port = Integer.parseInt(m.group(2));

    try (Connection c =
            DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/x", "me", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE kept(x INTEGER); INSERT INTO kept VALUES (42)");
      s.execute("LISTEN served");
      s.execute("NOTIFY served, 'hello'");
      assertThat(c.unwrap(PGConnection.class).getNotifications())
          .extracting(n -> n.getParameter())
          .containsExactly("hello");
      try (ResultSet rs = s.executeQuery("SELECT x FROM kept")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(42);
      }
    }

    stop.complete(null);
    assertThat(status.get(30, TimeUnit.SECONDS)).isZero();
    assertThat(text(out)).endsWith("heliosdb: stopped\n");
    assertThat(withoutMemoryWarning(text(err))).isEmpty();

    // The data is in the file, which the server closed.
    Main.run(
        new ByteArrayInputStream(new byte[0]),
        false,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        "sql",
        "--db",
        db.toString(),
        "-c",
        "SELECT x FROM kept");
    assertThat(text(out)).contains(" x\n----\n 42\n(1 row)");
  }

  @Test
  void nonLoopbackListenAddressIsRefusedWithExitTwo() throws Exception {
    CompletableFuture<Integer> status =
        serve(
            new CompletableFuture<>(),
            "--db",
            dir.resolve("a.db").toString(),
            "--listen",
            "0.0.0.0");
    assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(2);
    assertThat(text(err).lines()).hasSize(1);
    assertThat(text(err))
        .startsWith("heliosdb: listen address 0.0.0.0 is not a loopback address")
        .contains("trust authentication");
    assertThat(text(out)).isEmpty();
  }

  @Test
  void passwdVerifierLetsThatUserInWithScram() throws Exception {
    int status =
        Main.run(
            new ByteArrayInputStream("open sesame\n".getBytes(StandardCharsets.UTF_8)),
            false,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            "passwd",
            "ann");
    assertThat(status).isZero();
    String line = text(out);
    assertThat(line).matches("ann = \"SCRAM-SHA-256\\$4096:[^\"]+\"\n").doesNotContain("sesame");
    out.reset();
    Path config = dir.resolve("heliosdb.toml");
    Files.writeString(
        config,
        "[database]\npath = \"s.db\"\n\n[server]\nport = 0\nauth = \"scram-sha-256\"\n\n"
            + "[server.users]\n"
            + line);

    CompletableFuture<Void> stop = new CompletableFuture<>();
    CompletableFuture<Integer> serving = serve(stop, "--config", config.toString());
    Pattern scramStart =
        Pattern.compile(
            "heliosdb: serving .+ at postgresql://127\\.0\\.0\\.1:(\\d+)"
                + " \\(scram-sha-256 authentication\\)\n");
    await().atMost(Duration.ofSeconds(30)).until(() -> scramStart.matcher(text(out)).find());
    Matcher m = scramStart.matcher(text(out));
    assertThat(m.find()).isTrue();
    String url = "jdbc:postgresql://127.0.0.1:" + m.group(1) + "/x";
    try (Connection c = DriverManager.getConnection(url, "ann", "open sesame");
        ResultSet rs = c.createStatement().executeQuery("SELECT 7")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(7);
    }
    assertThat(
            catchThrowableOfType(
                    SQLException.class, () -> DriverManager.getConnection(url, "ann", "open"))
                .getSQLState())
        .isEqualTo("28P01");
    stop.complete(null);
    assertThat(serving.get(30, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void authFlagOverridesTheFileAndIsValidated() throws Exception {
    CompletableFuture<Integer> status =
        serve(new CompletableFuture<>(), "--db", dir.resolve("c.db").toString(), "--auth", "md5");
    assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(2);
    assertThat(text(err))
        .isEqualTo("heliosdb: auth \"md5\" is not supported: use trust or scram-sha-256\n");
  }

  @Test
  void unknownServerKeyInTheFileIsAOneLineErrorWithItsLine() throws Exception {
    Path config = dir.resolve("heliosdb.toml");
    Files.writeString(config, "[server]\nprot = 5433\n");
    CompletableFuture<Integer> status =
        serve(new CompletableFuture<>(), "--config", config.toString());
    assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(2);
    assertThat(text(err))
        .startsWith("heliosdb: " + config + ":2: unknown key server.prot, did you mean port?");
    assertThat(text(err).lines()).hasSize(1);
  }

  @Test
  void trustOnNonLoopbackWhenAllowedPrintsAWarning() throws Exception {
    Path config = dir.resolve("heliosdb.toml");
    Files.writeString(
        config,
        "[database]\npath = \"w.db\"\n[server]\nlisten = \"0.0.0.0\"\nport = 0\n"
            + "allow_trust_on_non_loopback = true\n");
    CompletableFuture<Void> stop = new CompletableFuture<>();
    CompletableFuture<Integer> status = serve(stop, "--config", config.toString());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> text(out).contains("(trust authentication)"));
    assertThat(text(err)).startsWith("heliosdb: WARNING: trust authentication on 0.0.0.0");
    assertThat(text(out)).contains("at postgresql://0.0.0.0:");
    stop.complete(null);
    assertThat(status.get(30, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void portInUseIsAOneLineErrorWithExitTwo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      CompletableFuture<Integer> status =
          serve(
              new CompletableFuture<>(),
              "--db",
              dir.resolve("b.db").toString(),
              "--port",
              String.valueOf(taken.getLocalPort()));
      assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(2);
      assertThat(text(err))
          .startsWith("heliosdb: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ")
          .contains("in use");
      assertThat(text(err).lines()).hasSize(1);
    }
  }

  @Test
  void tlsFlagsServeTlsAndTheStartLineSaysSo() throws Exception {
    TestCertificate cert = TestCertificate.create(dir);
    CompletableFuture<Void> stop = new CompletableFuture<>();
    CompletableFuture<Integer> status =
        serve(
            stop,
            "--db",
            dir.resolve("t.db").toString(),
            "--port",
            "0",
            "--tls-cert",
            cert.cert().toString(),
            "--tls-key",
            cert.key().toString());
    Pattern start =
        Pattern.compile(
            "heliosdb: serving .+ at postgresql://127\\.0\\.0\\.1:(\\d+)"
                + " \\(trust authentication, loopback only, TLS\\)\n");
    await().atMost(Duration.ofSeconds(30)).until(() -> start.matcher(text(out)).find());
    Matcher m = start.matcher(text(out));
    assertThat(m.find()).isTrue();
    try (Connection c =
        DriverManager.getConnection(
            "jdbc:postgresql://127.0.0.1:" + m.group(1) + "/x?sslmode=require", "me", "")) {
      assertThat(c.isValid(5)).isTrue();
    }
    stop.complete(null);
    assertThat(status.get(30, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void tlsCertWithoutKeyIsAOneLineErrorWithExitTwo() throws Exception {
    CompletableFuture<Integer> status =
        serve(
            new CompletableFuture<>(),
            "--db",
            dir.resolve("a.db").toString(),
            "--tls-cert",
            dir.resolve("cert.pem").toString());
    assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(2);
    assertThat(text(err).lines()).hasSize(1);
    assertThat(text(err)).startsWith("heliosdb: --tls-cert is given without tls_key");
  }

  @Test
  void servesHttpOnASecondPortAndTheStartLineSaysWhich() throws Exception {
    CompletableFuture<Void> stop = new CompletableFuture<>();
    CompletableFuture<Integer> status =
        serve(stop, "--db", dir.resolve("h.db").toString(), "--port", "0");
    Pattern http =
        Pattern.compile(
            "\nheliosdb: HTTP at http://127\\.0\\.0\\.1:(\\d+) \\(anonymous access, loopback"
                + " only\\)\n");
    await().atMost(Duration.ofSeconds(30)).until(() -> http.matcher(text(out)).find());
    Matcher m = http.matcher(text(out));
    assertThat(m.find()).isTrue();
    assertThat(text(out)).startsWith("heliosdb: serving ");
    java.net.http.HttpResponse<String> health =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + m.group(1) + "/health"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"ready\":true");
    stop.complete(null);
    assertThat(status.get(30, TimeUnit.SECONDS)).isZero();
    assertThat(withoutMemoryWarning(text(err))).isEmpty();
  }

  @Test
  void noHttpServesTheWireProtocolOnly() throws Exception {
    CompletableFuture<Void> stop = new CompletableFuture<>();
    CompletableFuture<Integer> status =
        serve(stop, "--db", dir.resolve("n.db").toString(), "--port", "0", "--no-http");
    await().atMost(Duration.ofSeconds(30)).until(() -> START.matcher(text(out)).find());
    stop.complete(null);
    assertThat(status.get(30, TimeUnit.SECONDS)).isZero();
    assertThat(text(out)).doesNotContain("HTTP");
  }

  @Test
  void httpSectionMistakesAreOneLineErrorsWithTheirLine() throws Exception {
    Path config = dir.resolve("heliosdb.toml");
    Files.writeString(config, "[database]\npath = \"e.db\"\n[http]\nprot = 5433\n");
    CompletableFuture<Integer> status =
        serve(new CompletableFuture<>(), "--config", config.toString());
    assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(2);
    assertThat(text(err))
        .startsWith("heliosdb: " + config + ":4: unknown key http.prot, did you mean port?");
    assertThat(text(err).lines()).hasSize(1);

    err.reset();
    CompletableFuture<Integer> open =
        serve(
            new CompletableFuture<>(),
            "--db",
            dir.resolve("e.db").toString(),
            "--http-listen",
            "0.0.0.0");
    assertThat(open.get(30, TimeUnit.SECONDS)).isEqualTo(2);
    assertThat(text(err))
        .startsWith(
            "heliosdb: http.listen = \"0.0.0.0\" is not a loopback address: give [http.tokens]");
  }

  /**
   * Standard error without the warning that this JVM (the test's, sized by Surefire, not by the
   * budget) allows more memory than the budget: MemoryBudgetCommandTest checks that one.
   */
  static String withoutMemoryWarning(String err) {
    return err.replaceAll("heliosdb: WARNING: this JVM allows a heap of [^\n]*\n", "");
  }

  private static String text(ByteArrayOutputStream s) {
    return s.toString(StandardCharsets.UTF_8);
  }
}
