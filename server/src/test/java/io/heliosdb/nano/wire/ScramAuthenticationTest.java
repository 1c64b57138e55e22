package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.wire.auth.Authentication;
import io.heliosdb.nano.wire.auth.Scram;
import io.heliosdb.nano.wire.limits.SessionLimits;
import io.heliosdb.nano.wire.messages.Frames;
import io.heliosdb.nano.wire.messages.PgFrameDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * auth = scram-sha-256 with real clients (pgjdbc, psql, psycopg2) and at the message level: the
 * right password connects, a wrong password and an unknown user both fail with 28P01.
 */
class ScramAuthenticationTest {
  @TempDir Path dir;
  private WireServer server;

  @BeforeEach
  void start() throws Exception {
    Authentication auth =
        Authentication.scram(
            Map.of(
                "ann", Scram.verifier("s3cret"),
                "bob", Scram.Verifier.parse(Scram.verifier("pa ss, wörd").text())));
    server =
        WireServer.start(
            HeliosDB.open(dir.resolve("auth.db")), WireServer.Options.loopback(0).with(auth));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Connection jdbc(String user, String password) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + server.port() + "/test", user, password);
  }

  @Test
  void pgjdbcWithTheRightPasswordConnectsAndQueries() throws Exception {
    try (Connection c = jdbc("ann", "s3cret");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 40 + 2")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(42);
    }
    try (Connection c = jdbc("bob", "pa ss, wörd")) {
      assertThat(c.isValid(5)).isTrue();
    }
  }

  @Test
  void pgjdbcWrongPasswordAndUnknownUserFailAlikeWith28P01() {
    SQLException wrong = catchThrowableOfType(SQLException.class, () -> jdbc("ann", "nope"));
    SQLException unknown = catchThrowableOfType(SQLException.class, () -> jdbc("zed", "s3cret"));
    assertThat(wrong.getSQLState()).isEqualTo("28P01");
    assertThat(wrong.getMessage()).contains("password authentication failed for user \"ann\"");
    assertThat(unknown.getSQLState()).isEqualTo("28P01");
    assertThat(unknown.getMessage()).contains("password authentication failed for user \"zed\"");
    // The slot an authentication holds is given back when the server has closed the connection,
    // which may be just after the client read the error.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(server.sessionCount()).isZero());
  }

  @Test
  void pgjdbcWithoutPasswordIsRefused() {
    SQLException e = catchThrowableOfType(SQLException.class, () -> jdbc("ann", null));
    assertThat(e.getMessage()).contains("no password was provided");
  }

  @Test
  void psqlWithPgpassword() throws Exception {
    assertThat(psql("ann", "s3cret")).isEqualTo("0|2\n");
    assertThat(psql("ann", "wrong"))
        .contains("password authentication failed for user \"ann\"")
        .startsWith("2|");
    assertThat(psql("nobody", "wrong"))
        .contains("password authentication failed for user \"nobody\"")
        .startsWith("2|");
  }

  @Test
  void psycopg2WithPassword() throws Exception {
    ExternalClientsTest.requirePython("psycopg2");
    assertThat(psycopg2("ann", "s3cret")).isEqualTo("2");
    assertThat(psycopg2("ann", "bad")).contains("password authentication failed for user \"ann\"");
  }

  @Test
  void cleartextPasswordWhenScramIsExpectedIs08P01() {
    EmbeddedChannel ch = channel();
    List<Frames.Backend> sasl = send(ch, Frames.startup("user", "ann"));
    assertThat(sasl).hasSize(1);
    assertThat(sasl.get(0).type()).isEqualTo('R');
    ByteBuf body = sasl.get(0).buf();
    assertThat(body.readInt()).isEqualTo(10);
    assertThat(Frames.cstring(body)).isEqualTo("SCRAM-SHA-256");
    assertThat(Frames.cstring(body)).isEmpty();

    List<Frames.Backend> answer =
        send(ch, Frames.typed('p', "s3cret\0".getBytes(StandardCharsets.UTF_8)));
    assertThat(answer).hasSize(1);
    assertThat(answer.get(0).severity()).isEqualTo("FATAL");
    assertThat(answer.get(0).sqlState()).isEqualTo("08P01");
    assertThat(answer.get(0).message())
        .isEqualTo("client selected an invalid SASL authentication mechanism");
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void queryBeforeAuthenticationIsAProtocolViolation() {
    EmbeddedChannel ch = channel();
    send(ch, Frames.startup("user", "ann"));
    List<Frames.Backend> answer = send(ch, Frames.query("SELECT 1"));
    assertThat(answer).hasSize(1);
    assertThat(answer.get(0).sqlState()).isEqualTo("08P01");
    assertThat(answer.get(0).message()).startsWith("expected SASL response");
  }

  @Test
  void authenticationHoldsASlotUntilItEndsOrTimesOut() {
    EmbeddedChannel first = channel();
    first.freezeTime();
    send(first, Frames.startup("user", "ann"));
    assertThat(registry.admitted()).isOne();

    EmbeddedChannel second = channel();
    List<Frames.Backend> refused = send(second, Frames.startup("user", "ann"));
    assertThat(refused).singleElement().satisfies(m -> assertThat(m.sqlState()).isEqualTo("53300"));

    first.advanceTimeBy(
        SessionLimits.DEFAULTS.authenticationTimeout().toSeconds() - 1, TimeUnit.SECONDS);
    first.runScheduledPendingTasks();
    assertThat(first.isOpen()).isTrue();
    first.advanceTimeBy(1, TimeUnit.SECONDS);
    first.runScheduledPendingTasks();
    assertThat(first.isOpen()).isFalse();
    assertThat(received(first)).isEmpty(); // as PostgreSQL: closed without a message
    assertThat(registry.admitted()).isZero();
  }

  @Test
  void failedAuthenticationReleasesItsSlot() {
    EmbeddedChannel ch = channel();
    send(ch, Frames.startup("user", "ann"));
    assertThat(registry.admitted()).isOne();
    send(ch, Frames.typed('p', "x\0".getBytes(StandardCharsets.UTF_8)));
    assertThat(ch.isOpen()).isFalse();
    assertThat(registry.admitted()).isZero();
  }

  private final SessionRegistry registry = new SessionRegistry(1);

  private EmbeddedChannel channel() {
    PgFrameDecoder decoder = new PgFrameDecoder(PgFrameDecoder.DEFAULT_MAX_MESSAGE_BYTES);
    Authentication auth = Authentication.scram(Map.of("ann", Scram.verifier("s3cret")));
    return new EmbeddedChannel(
        decoder, new PgWireHandler(null, registry, Runnable::run, decoder, auth));
  }

  private static List<Frames.Backend> send(EmbeddedChannel ch, ByteBuf frame) {
    ch.writeInbound(frame);
    ch.runPendingTasks();
    return received(ch);
  }

  private static List<Frames.Backend> received(EmbeddedChannel ch) {
    List<Frames.Backend> out = new ArrayList<>();
    for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
      out.addAll(Frames.parse(b));
      b.release();
    }
    return out;
  }

  /** psql -c "SELECT 1 + 1" with PGPASSWORD: "exit status|output and errors". */
  private String psql(String user, String password) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                PsqlTest.psqlBinary(),
                "-h",
                "127.0.0.1",
                "-p",
                String.valueOf(server.port()),
                "-U",
                user,
                "-d",
                "test",
                "-X",
                "-A",
                "-t",
                "-w",
                "-c",
                "SELECT 1 + 1")
            .redirectErrorStream(true);
    pb.environment().put("PGPASSWORD", password);
    pb.environment().put("PGCONNECT_TIMEOUT", "10");
    pb.environment().remove("PGSSLMODE");
    return run(pb);
  }

  private String psycopg2(String user, String password) throws Exception {
    Path script = Path.of("src/test/resources/clients/psycopg2_password.py").toAbsolutePath();
    ProcessBuilder pb =
        new ProcessBuilder(
                ExternalClientsTest.PYTHON,
                script.toString(),
                "127.0.0.1",
                String.valueOf(server.port()),
                user,
                password)
            .redirectErrorStream(true);
    String out = run(pb);
    assertThat(out).startsWith("0|");
    return out.substring(2).strip();
  }

  private static String run(ProcessBuilder pb) throws Exception {
    Process p = pb.start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("client finished").isTrue();
    return p.exitValue() + "|" + out;
  }
}
