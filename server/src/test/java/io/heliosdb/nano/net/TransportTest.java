package io.heliosdb.nano.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.wire.WireServer;
import io.netty.channel.epoll.Epoll;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** Epoll where its native library loads (Linux x86_64: our CI), NIO when asked or elsewhere. */
class TransportTest {
  @AfterEach
  void clearProperty() {
    System.clearProperty("heliosdb.transport");
  }

  @Test
  void epollIsChosenWhereItsNativeLibraryLoads() {
    if (System.getProperty("os.name").startsWith("Linux")
        && System.getProperty("os.arch").equals("amd64")) {
      assertThat(Epoll.isAvailable()).as("%s", Epoll.unavailabilityCause()).isTrue();
    }
    assertThat(Transport.chosen()).isEqualTo(Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO);
  }

  @Test
  void nioWhenAskedServesLikeEpoll() throws Exception {
    System.setProperty("heliosdb.transport", "nio");
    assertThat(Transport.chosen()).isEqualTo(Transport.NIO);
    try (WireServer server = WireServer.start(HeliosDB.inMemory(), WireServer.Options.loopback(0));
        Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + server.port() + "/t", "me", "");
        Statement s = c.createStatement()) {
      s.execute("LISTEN t");
      s.execute("NOTIFY t, 'over nio'");
      PGNotification[] got = c.unwrap(PGConnection.class).getNotifications(10_000);
      assertThat(got).extracting(PGNotification::getParameter).containsExactly("over nio");
    }
  }
}
