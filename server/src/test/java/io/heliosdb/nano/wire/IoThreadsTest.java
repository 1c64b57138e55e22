package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.HeliosDB;
import io.netty.channel.Channel;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** [server] io_threads: how many event loops the sessions are spread over. */
class IoThreadsTest {
  @Test
  void oneIoThreadServesEverySessionOnOneEventLoop() throws Exception {
    assertThat(loopsOfFourSessions(1)).hasSize(1);
  }

  @Test
  void twoIoThreadsTakeTurns() throws Exception {
    assertThat(loopsOfFourSessions(2)).hasSize(2);
  }

  /** The event loops of four sessions, after a notification went from the last to the first. */
  private static Set<Object> loopsOfFourSessions(int ioThreads) throws Exception {
    List<Connection> sessions = new ArrayList<>();
    try (WireServer server =
        WireServer.start(
            HeliosDB.inMemory(), WireServer.Options.loopback(0).withIoThreads(ioThreads))) {
      try {
        for (int i = 0; i < 4; i++) {
          sessions.add(
              DriverManager.getConnection(
                  "jdbc:postgresql://127.0.0.1:" + server.port() + "/t", "me", ""));
        }
        try (Statement listen = sessions.get(0).createStatement();
            Statement notify = sessions.get(3).createStatement()) {
          listen.execute("LISTEN t");
          notify.execute("NOTIFY t, 'across'");
        }
        PGNotification[] got = sessions.get(0).unwrap(PGConnection.class).getNotifications(10_000);
        assertThat(got).extracting(PGNotification::getParameter).containsExactly("across");
        await().atMost(Duration.ofSeconds(30)).until(() -> server.channels().size() == 4);
        return server.channels().stream().map(Channel::eventLoop).collect(Collectors.toSet());
      } finally {
        for (Connection c : sessions) {
          c.close();
        }
      }
    }
  }
}
