package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.net.AuthThrottle;
import io.heliosdb.nano.wire.messages.Frames;
import io.heliosdb.nano.wire.messages.MessageTypes;
import io.heliosdb.nano.wire.messages.PgFrameDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import java.io.InputStream;
import java.nio.ByteBuffer;
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
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * TLS with real clients (pgjdbc with sslmode=require and verify-full, psql with sslmode=require),
 * require_tls, and the SSLRequest exchange at the byte level.
 */
class TlsTest {
  @TempDir Path dir;
  private TestCertificate cert;
  private WireServer server;

  @BeforeEach
  void certificate() throws Exception {
    cert = TestCertificate.create(dir);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(boolean requireTls) throws Exception {
    ServerConfig config =
        ServerConfig.builder()
            .port(0)
            .tlsCert(cert.cert())
            .tlsKey(cert.key())
            .requireTls(requireTls)
            .build();
    server =
        WireServer.start(
            HeliosDB.open(dir.resolve("tls.db")),
            config.options(PgFrameDecoder.DEFAULT_MAX_MESSAGE_BYTES));
  }

  private Connection jdbc(String host, String... properties) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "me");
    p.setProperty("password", "");
    for (int i = 0; i < properties.length; i += 2) {
      p.setProperty(properties[i], properties[i + 1]);
    }
    return DriverManager.getConnection(
        "jdbc:postgresql://" + host + ":" + server.port() + "/test", p);
  }

  @Test
  void pgjdbcSslmodeRequireQueriesAndListensOverTls() throws Exception {
    start(false);
    try (Connection listener = jdbc("127.0.0.1", "sslmode", "require");
        Connection sender = jdbc("127.0.0.1", "sslmode", "require");
        Statement l = listener.createStatement();
        Statement s = sender.createStatement()) {
      s.execute("CREATE TABLE t(x INTEGER); INSERT INTO t VALUES (42)");
      try (ResultSet rs = s.executeQuery("SELECT x FROM t")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(42);
      }
      l.execute("LISTEN secret");
      s.execute("NOTIFY secret, 'over tls'");
      // 0: wait until a notification arrives.
      PGNotification[] n = listener.unwrap(PGConnection.class).getNotifications(0);
      assertThat(n).extracting(PGNotification::getParameter).containsExactly("over tls");
      assertThat(n[0].getPID()).isEqualTo(sender.unwrap(PGConnection.class).getBackendPID());
    }
  }

  @Test
  void pgjdbcVerifyFullAcceptsTheCertificateForLocalhostAndTheAddress() throws Exception {
    start(false);
    for (String host : List.of("localhost", "127.0.0.1")) {
      try (Connection c =
              jdbc(host, "sslmode", "verify-full", "sslrootcert", cert.cert().toString());
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT 40 + 2")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(42);
      }
    }
  }

  @Test
  void pgjdbcVerifyFullRefusesAnotherCertificate() throws Exception {
    start(false);
    Path other = dir.resolve("other");
    java.nio.file.Files.createDirectories(other);
    TestCertificate stranger = TestCertificate.create(other);
    SQLException e =
        catchThrowableOfType(
            SQLException.class,
            () ->
                jdbc(
                    "127.0.0.1",
                    "sslmode",
                    "verify-full",
                    "sslrootcert",
                    stranger.cert().toString()));
    assertThat(e.getSQLState()).isEqualTo("08006");
  }

  @Test
  void psqlSslmodeRequireConnectsOverTls() throws Exception {
    start(false);
    String out = psql("sslmode=require", "SELECT 40 + 2", "\\conninfo");
    assertThat(out).startsWith("0|42\n").contains("SSL connection (protocol: TLSv1.");
  }

  @Test
  void requireTlsRefusesAClearConnectionWith28000AndAcceptsTls() throws Exception {
    start(true);
    SQLException e =
        catchThrowableOfType(SQLException.class, () -> jdbc("127.0.0.1", "sslmode", "disable"));
    assertThat(e.getSQLState()).isEqualTo("28000");
    assertThat(e.getMessage()).contains("require_tls = true");
    await().atMost(Duration.ofSeconds(10)).until(() -> server.sessionCount() == 0);
    try (Connection c = jdbc("127.0.0.1", "sslmode", "require")) {
      assertThat(c.isValid(5)).isTrue();
    }
    assertThat(psql("sslmode=disable", "SELECT 1")).startsWith("2|").contains("require_tls");
  }

  @Test
  void withoutTlsSslRequestIsAnsweredNAsBefore() throws Exception {
    server =
        WireServer.start(HeliosDB.open(dir.resolve("clear.db")), WireServer.Options.loopback(0));
    SQLException e =
        catchThrowableOfType(SQLException.class, () -> jdbc("127.0.0.1", "sslmode", "require"));
    assertThat(e.getMessage()).contains("does not support SSL");
    try (Connection c = jdbc("127.0.0.1", "sslmode", "prefer")) {
      assertThat(c.isValid(5)).isTrue();
    }
  }

  @Test
  void aSecondSslRequestInsideTlsIsAnsweredAsPostgreSqlDoes() throws Exception {
    start(false);
    try (java.net.Socket plain = new java.net.Socket("127.0.0.1", server.port())) {
      plain.setSoTimeout(30_000);
      plain.getOutputStream().write(bytes(Frames.untyped(MessageTypes.SSL_REQUEST)));
      assertThat(plain.getInputStream().read()).isEqualTo('S');
      try (javax.net.ssl.SSLSocket tls =
          (javax.net.ssl.SSLSocket)
              clientContext().getSocketFactory().createSocket(plain, "localhost", 0, true)) {
        tls.startHandshake();
        // PostgreSQL 15 takes it for a startup packet of protocol 1234.5679 (checked against it).
        tls.getOutputStream().write(bytes(Frames.untyped(MessageTypes.SSL_REQUEST)));
        tls.getOutputStream().flush();
        byte[] answer = tls.getInputStream().readAllBytes();
        List<Frames.Backend> got = Frames.parse(Unpooled.wrappedBuffer(answer));
        assertThat(got)
            .singleElement()
            .satisfies(
                e -> {
                  assertThat(e.type()).isEqualTo('E');
                  assertThat(e.severity()).isEqualTo("FATAL");
                  assertThat(e.sqlState()).isEqualTo("0A000");
                  assertThat(e.message())
                      .isEqualTo(
                          "unsupported frontend protocol 1234.5679: server supports 3.0 to 3.0");
                });
      }
    }
    assertThat(server.sessionCount()).isZero();
  }

  private static byte[] bytes(ByteBuf b) {
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    b.release();
    return out;
  }

  // --- the SSLRequest exchange, message by message, with a client SSLEngine ---

  @Test
  void bytesSentRightAfterTheSslRequestGoToTls() throws Exception {
    EmbeddedChannel ch = channel(false);
    SSLEngine client = clientEngine();
    ByteBuf first = Unpooled.buffer();
    first.writeBytes(Frames.untyped(MessageTypes.SSL_REQUEST));
    first.writeBytes(wrap(client, new byte[0])); // the ClientHello, in the same read
    ch.writeInbound(first);
    ByteBuf answer = outbound(ch);
    assertThat(answer.readByte()).isEqualTo((byte) 'S');
    assertThat(ch.pipeline().get(SslHandler.class)).isNotNull();
    // The rest is the server's side of the handshake (ServerHello...): a TLS handshake record.
    assertThat(answer.readableBytes()).isPositive();
    assertThat(answer.getByte(answer.readerIndex())).isEqualTo((byte) 22);
    answer.release();
  }

  @Test
  void sslRequestAfterTheStartupMessageIs08P01() throws Exception {
    EmbeddedChannel ch = channel(false);
    ch.writeInbound(Frames.startup("user", "me"));
    ch.runPendingTasks();
    drain(ch);
    ch.writeInbound(Frames.untyped(MessageTypes.SSL_REQUEST));
    ch.runPendingTasks();
    List<Frames.Backend> error = new ArrayList<>();
    for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
      error.addAll(Frames.parse(b));
      b.release();
    }
    assertThat(error).extracting(Frames.Backend::sqlState).contains("08P01");
  }

  private EmbeddedChannel channel(boolean requireTls) throws Exception {
    ServerConfig config =
        ServerConfig.builder()
            .tlsCert(cert.cert())
            .tlsKey(cert.key())
            .requireTls(requireTls)
            .build();
    HeliosDB db = HeliosDB.open(dir.resolve("embedded.db"));
    PgFrameDecoder decoder = new PgFrameDecoder(PgFrameDecoder.DEFAULT_MAX_MESSAGE_BYTES);
    return new EmbeddedChannel(
        decoder,
        new PgWireHandler(
            db,
            new SessionRegistry(10),
            Runnable::run,
            decoder,
            config.options(PgFrameDecoder.DEFAULT_MAX_MESSAGE_BYTES),
            new AuthThrottle(),
            PreparedMemory.UNBOUNDED));
  }

  private SSLEngine clientEngine() throws Exception {
    SSLEngine engine = clientContext().createSSLEngine("localhost", 5432);
    engine.setUseClientMode(true);
    return engine;
  }

  /** A client TLS context that trusts the test certificate. */
  private SSLContext clientContext() throws Exception {
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = java.nio.file.Files.newInputStream(cert.cert())) {
      trust.setCertificateEntry(
          "server",
          java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return ssl;
  }

  private static byte[] wrap(SSLEngine client, byte[] plain) throws Exception {
    ByteBuffer out = ByteBuffer.allocate(64 * 1024);
    ByteBuffer src = ByteBuffer.wrap(plain);
    do {
      client.wrap(src, out);
    } while (src.hasRemaining());
    out.flip();
    byte[] b = new byte[out.remaining()];
    out.get(b);
    return b;
  }

  /** Everything the server wrote, in one buffer. */
  private static ByteBuf outbound(EmbeddedChannel ch) {
    ByteBuf all = Unpooled.buffer();
    for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
      all.writeBytes(b);
      b.release();
    }
    return all;
  }

  private static void drain(EmbeddedChannel ch) {
    outbound(ch).release();
  }

  /** psql with these connection settings, running the commands: "exit status|output". */
  private String psql(String settings, String... commands) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(PsqlTest.psqlBinary());
    cmd.add("host=127.0.0.1 port=" + server.port() + " user=me dbname=test " + settings);
    cmd.addAll(List.of("-X", "-A", "-t", "-w"));
    for (String c : commands) {
      cmd.add("-c");
      cmd.add(c);
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("PGSSLMODE");
    Process p = pb.start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return p.waitFor() + "|" + out;
  }
}
