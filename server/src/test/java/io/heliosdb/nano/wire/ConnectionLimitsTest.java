package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.net.Transport;
import io.heliosdb.nano.wire.auth.Authentication;
import io.heliosdb.nano.wire.auth.Scram;
import io.heliosdb.nano.wire.limits.SessionLimits;
import io.heliosdb.nano.wire.messages.Frames;
import io.heliosdb.nano.wire.messages.MessageTypes;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * authentication_timeout (from connect; closed without a message, as PostgreSQL does) and the TCP
 * keepalive settings, read back from the server's side of an accepted connection.
 */
class ConnectionLimitsTest {
  @TempDir Path dir;

  /** The transport the server chooses in this JVM: its channels take its options. */
  private static final Transport TRANSPORT = Transport.chosen();

  private WireServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(WireServer.Options options) throws Exception {
    server = WireServer.start(HeliosDB.open(dir.resolve("limits.db")), options);
  }

  /** The server's side of the one connection open now. */
  private Channel accepted() {
    await().atMost(Duration.ofSeconds(30)).until(() -> server.channels().size() == 1);
    return server.channels().get(0);
  }

  @Test
  void keepaliveSettingsAreSetOnEveryAcceptedConnection() throws Exception {
    start(WireServer.Options.loopback(0).with(SessionLimits.DEFAULTS.withTcpKeepalives(37, 11, 4)));
    try (Connection c =
        DriverManager.getConnection(
            "jdbc:postgresql://127.0.0.1:" + server.port() + "/t", "me", "")) {
      Channel ch = accepted();
      assertThat(ch.config().getOption(ChannelOption.SO_KEEPALIVE)).isTrue();
      assertThat(ch.config().getOption(TRANSPORT.keepaliveIdle())).isEqualTo(37);
      assertThat(ch.config().getOption(TRANSPORT.keepaliveInterval())).isEqualTo(11);
      assertThat(ch.config().getOption(TRANSPORT.keepaliveCount())).isEqualTo(4);
      assertThat(c.isValid(5)).isTrue();
    }
  }

  @Test
  void zeroLeavesTheSystemsKeepaliveSettings() throws Exception {
    start(WireServer.Options.loopback(0));
    try (Socket client = new Socket("127.0.0.1", server.port())) {
      Channel ch = accepted();
      assertThat(ch.config().getOption(ChannelOption.SO_KEEPALIVE)).isTrue();
      // The client's socket has the system's settings: the server's side has the same.
      Map<String, Integer> system =
          Map.of(
              "idle", client.getOption(ExtendedSocketOptions.TCP_KEEPIDLE),
              "interval", client.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL),
              "count", client.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT));
      assertThat(
              Map.of(
                  "idle",
                  ch.config().getOption(TRANSPORT.keepaliveIdle()),
                  "interval",
                  ch.config().getOption(TRANSPORT.keepaliveInterval()),
                  "count",
                  ch.config().getOption(TRANSPORT.keepaliveCount())))
          .isEqualTo(system);
    }
  }

  @Test
  void aClientThatSendsNothingIsClosedSilentlyAfterAuthenticationTimeout() throws Exception {
    start(
        WireServer.Options.loopback(0)
            .with(SessionLimits.DEFAULTS.withAuthenticationTimeout(Duration.ofSeconds(1))));
    try (RawClient authenticated = RawClient.session(server.port());
        RawClient silent = new RawClient(server.port());
        RawClient halfway = new RawClient(server.port())) {
      halfway.send(Frames.untyped(MessageTypes.SSL_REQUEST));
      assertThat(halfway.socket.getInputStream().read()).isEqualTo('N');
      // No StartupMessage follows: both are closed without a message, as PostgreSQL does.
      assertThat(silent.closedWithoutAWord()).isTrue();
      assertThat(halfway.closedWithoutAWord()).isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> server.connectionCount() == 1);
      // A session that authenticated in time is not affected, however long it has been open.
      assertThat(authenticated.query("SELECT 1"))
          .last()
          .extracting(Frames.Backend::status)
          .isEqualTo('I');
      assertThat(server.sessionCount()).isOne();
    }
  }

  @Test
  void aPasswordExchangeThatDoesNotFinishIsClosedAndReleasesItsSlot() throws Exception {
    start(
        WireServer.Options.loopback(0)
            .with(Authentication.scram(Map.of("ann", Scram.verifier("s3cret"))))
            .with(SessionLimits.DEFAULTS.withAuthenticationTimeout(Duration.ofSeconds(1))));
    try (RawClient c = new RawClient(server.port())) {
      c.send(Frames.startup("user", "ann", "database", "t"));
      assertThat(c.read().type()).isEqualTo('R'); // AuthenticationSASL; the client stops here
      assertThat(c.closedWithoutAWord()).isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> server.sessionCount() == 0);
    }
  }
}
