package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.wire.messages.Frames;
import io.heliosdb.nano.wire.messages.Frames.Backend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that sends its last messages and then shuts its side of the connection (FIN, a
 * half-close) gets every answer before the server closes, as PostgreSQL answers it.
 */
class HalfCloseTest {
  @TempDir Path dir;
  private WireServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        WireServer.start(HeliosDB.open(dir.resolve("half.db")), WireServer.Options.loopback(0));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static String types(List<Backend> messages) {
    StringBuilder b = new StringBuilder();
    messages.forEach(m -> b.append(m.type()));
    return b.toString();
  }

  @Test
  void queriesSentBeforeTheFinAreAnsweredThenTheConnectionCloses() throws Exception {
    try (RawClient c = RawClient.session(server.port())) {
      c.send(Frames.query("CREATE TABLE t(a)"));
      c.send(Frames.query("INSERT INTO t VALUES (1)"));
      // A query that takes a moment: still running on a worker when the FIN arrives.
      c.send(
          Frames.query(
              "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000)"
                  + " SELECT count(*) FROM n"));
      c.socket.shutdownOutput();
      List<Backend> answers = c.untilClosed();
      assertThat(types(answers)).isEqualTo("CZCZTDCZ");
      assertThat(answers.get(5).values()).containsExactly("300000");
    }
    try (RawClient other = RawClient.session(server.port())) {
      List<Backend> rows = other.query("SELECT count(*) FROM t");
      assertThat(rows.get(1).values())
          .as("the INSERT before the FIN committed")
          .containsExactly("1");
    }
  }

  @Test
  void anExtendedBatchBeforeTheFinIsAnswered() throws Exception {
    try (RawClient c = RawClient.session(server.port())) {
      c.send(Frames.parse("", "SELECT $1::text"));
      c.send(Frames.bind("", "", new short[0], "hello"));
      c.send(Frames.execute("", 0));
      c.send(Frames.sync());
      c.socket.shutdownOutput();
      List<Backend> answers = c.untilClosed();
      assertThat(types(answers)).isEqualTo("12DCZ");
      assertThat(answers.get(2).values()).containsExactly("hello");
    }
  }

  @Test
  void aFinBeforeTheStartupPacketClosesTheConnection() throws Exception {
    try (RawClient c = new RawClient(server.port())) {
      c.socket.shutdownOutput();
      assertThat(c.closedWithoutAWord()).isTrue();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> server.channels().isEmpty());
  }
}
