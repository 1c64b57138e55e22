package io.heliosdb.nano.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.wire.WireServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The server and the command line as two processes on one file with {@code cross_process = true}: a
 * pgjdbc client of the server LISTENs, {@code heliosdb sql} in another JVM inserts rows whose
 * trigger notifies, and the client receives them in commit order, sent by a pid that is none of the
 * server's sessions.
 */
class CrossProcessServeTest {
  @TempDir Path dir;

  @Test
  void aWireClientReceivesWhatHeliosdbSqlCommitsInAnotherProcess() throws Exception {
    Path file = dir.resolve("shop.db");
    Path config = dir.resolve("heliosdb.toml");
    Files.writeString(
        config, "[database]\npath = \"" + file + "\"\n[pubsub]\ncross_process = true\n");
    HeliosDB db = HeliosDB.open(HeliosConfig.load(config));
    db.execute("CREATE TABLE orders(id INTEGER PRIMARY KEY AUTOINCREMENT, item TEXT)");
    db.execute(
        "CREATE TRIGGER orders_notify AFTER INSERT ON orders BEGIN"
            + " SELECT pg_notify('orders', NEW.id); END");
    try (WireServer server = WireServer.start(db, WireServer.Options.loopback(0));
        Connection listener =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + server.port() + "/heliosdb", "test", "");
        Statement st = listener.createStatement()) {
      st.execute("LISTEN orders");

      Process child =
          ChildJvm.heliosdb(
                  "sql",
                  "--config",
                  config.toString(),
                  "-c",
                  "INSERT INTO orders(item) VALUES ('a'), ('b'), ('c')")
              .redirectErrorStream(true)
              .start();
      String childOutput = new String(child.getInputStream().readAllBytes());
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).as(childOutput).isZero();

      PGConnection pg = listener.unwrap(PGConnection.class);
      List<PGNotification> got = new ArrayList<>();
      while (got.size() < 3) {
        PGNotification[] batch = pg.getNotifications(10_000);
        if (batch == null || batch.length == 0) {
          break;
        }
        got.addAll(List.of(batch));
      }
      assertThat(got).extracting(PGNotification::getParameter).containsExactly("1", "2", "3");
      assertThat(got)
          .extracting(PGNotification::getPID)
          .doesNotContain(pg.getBackendPID())
          .containsOnly(got.get(0).getPID());
    }
  }
}
