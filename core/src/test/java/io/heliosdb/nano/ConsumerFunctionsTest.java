package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.config.ConsumerSettings;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.session.ConsumerStore;
import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer SQL functions on embedded connections: what a connection that goes away gives back,
 * and the SQLSTATEs and messages of their failures.
 */
class ConsumerFunctionsTest {
  @TempDir Path dir;
  private HeliosDB db;

  @BeforeEach
  void open() throws SQLException {
    db =
        HeliosDB.open(
            HeliosConfig.builder()
                .path(dir.resolve("f.db"))
                .durableChannels("jobs", "*_dead_letter")
                .busyTimeoutMs(300)
                .build());
    try (HeliosConnection c = db.connection()) {
      c.createStatement().execute("SELECT heliosdb_consumer_create('mailer', 'jobs')");
    }
    db.execute("CREATE TABLE t(x INTEGER)");
    for (int i = 0; i < 3; i++) {
      db.pubsub().notify("jobs", "j" + i);
    }
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static String one(HeliosConnection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void aConnectionClosedInsideATransactionThatWroteGivesItsClaimsBackAtOnce() throws Exception {
    try (HeliosConnection other = db.connection()) {
      HeliosConnection worker = db.connection();
      assertThat(one(worker, "SELECT heliosdb_claim('mailer', 10)")).contains("\"id\":3");
      worker.setAutoCommit(false);
      worker.createStatement().executeUpdate("INSERT INTO t VALUES (1)");
      // Its client is gone mid-transaction: closing rolls back first, then gives the claims
      // back (before, the give-back waited for this very transaction's write lock and failed).
      worker.close();
      long start = System.nanoTime();
      String claimed = one(other, "SELECT heliosdb_claim('mailer', 10)");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(300));
      assertThat(claimed)
          .contains("\"id\":1", "\"id\":2", "\"id\":3")
          .doesNotContain("\"attempt\":2");
      assertThat(db.query("SELECT count(*) AS n FROM t").get(0).get("n")).isEqualTo(0);
    }
  }

  @Test
  void aLockTimeoutInsideAcknowledgementHasAPlainMessage() throws Exception {
    try (HeliosConnection worker = db.connection();
        HeliosConnection writer = db.connection()) {
      assertThat(one(worker, "SELECT heliosdb_claim('mailer', 1)")).contains("\"id\":1");
      writer.setAutoCommit(false);
      writer.createStatement().executeUpdate("INSERT INTO t VALUES (1)"); // holds the write lock
      SQLException e =
          catchThrowableOfType(
              () -> one(worker, "SELECT heliosdb_ack('mailer', 1)"), SQLException.class);
      assertThat(e.getSQLState()).isEqualTo("55P03");
      assertThat(e.getMessage()).isEqualTo("database is locked");
      writer.rollback();
      assertThat(one(worker, "SELECT heliosdb_ack('mailer', 1)")).isEqualTo("1");
    }
  }

  @Test
  void aClaimAfterThisTransactionWroteWaitsForItsOwnLockAndSaysSo() throws Exception {
    try (HeliosConnection c = db.connection()) {
      c.setAutoCommit(false);
      assertThat(one(c, "SELECT heliosdb_claim('mailer', 1)")).contains("\"id\":1");
      c.createStatement().executeUpdate("INSERT INTO t VALUES (1)");
      SQLException e =
          catchThrowableOfType(
              () -> one(c, "SELECT heliosdb_claim('mailer', 1)"), SQLException.class);
      assertThat(e.getSQLState()).isEqualTo("55P03");
      assertThat(e.getMessage())
          .startsWith("database is locked (heliosdb_claim commits at once on a connection of")
          .endsWith("call it outside BEGIN ... COMMIT, or before the transaction writes)");
      SQLException nack =
          catchThrowableOfType(
              () -> one(c, "SELECT heliosdb_nack('mailer', 1, 'x')"), SQLException.class);
      assertThat(nack.getMessage()).contains("(heliosdb_nack commits at once");
      c.rollback();
    }
  }

  @Test
  void badArgumentsAre22023AnUnknownConsumer42704() throws Exception {
    String[][] cases = {
      {"SELECT heliosdb_claim(NULL)", "22023", "heliosdb_claim: consumer must not be NULL"},
      {"SELECT heliosdb_ack('mailer', NULL)", "22023", "heliosdb_ack: id must not be NULL"},
      {"SELECT heliosdb_nack('mailer', 'x', '')", "22023", "heliosdb_nack: id must be an integer"},
      {"SELECT heliosdb_claim('mailer', 2.5)", "22023", "heliosdb_claim: max must be an integer"},
      {
        "SELECT heliosdb_consumer_create('m2', 'jobs', NULL)",
        "22023",
        "heliosdb_consumer_create: start_at must not be NULL"
      },
      {"SELECT heliosdb_consumer_create('', 'jobs')", "22023", "a consumer needs a name"},
      {"SELECT heliosdb_consumer_create('m2', ' , ')", "22023", "consumer \"m2\" needs a channel"},
      {"SELECT heliosdb_nack('ghost', 1, 'x')", "42704", "consumer \"ghost\" does not exist"},
      {"SELECT heliosdb_claim('ghost')", "42704", "consumer \"ghost\" does not exist"},
    };
    try (HeliosConnection c = db.connection()) {
      for (String[] k : cases) {
        SQLException e = catchThrowableOfType(() -> one(c, k[0]), SQLException.class);
        assertThat((Object) e).as(k[0]).isNotNull();
        assertThat(e.getSQLState()).as(k[0]).isEqualTo(k[1]);
        assertThat(e.getMessage()).as(k[0]).startsWith(k[2]);
      }
      assertThat(one(c, "SELECT heliosdb_claim('mailer', '2')")).contains("\"id\":2");
      assertThat(one(c, "SELECT heliosdb_nack('mailer', 9, NULL)")).isEqualTo("not_claimed");
    }
  }

  @Test
  void onADatabaseWhereNoConsumerWasEverCreatedTheConsumerIsUnknown() throws Exception {
    try (HeliosDB bare = HeliosDB.open(dir.resolve("bare.db"));
        HeliosConnection c = bare.connection()) {
      for (String sql :
          List.of(
              "SELECT heliosdb_claim('ghost')",
              "SELECT heliosdb_ack('ghost', 1)",
              "SELECT heliosdb_nack('ghost', 1, 'x')")) {
        SQLException e = catchThrowableOfType(() -> one(c, sql), SQLException.class);
        assertThat(e.getSQLState()).as(sql).isEqualTo("42704");
        assertThat(e.getMessage()).as(sql).isEqualTo("consumer \"ghost\" does not exist");
      }
    }
  }

  /** A worker name of a process of this machine that has exited, as a killed one would leave. */
  private static String deadWorker() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    String host = InetAddress.getLocalHost().getHostName().replace('/', '_');
    return host + "/" + p.pid() + "/session-1";
  }

  @Test
  void theClaimsOfAKilledProcessAreTakenByTheNextClaimWithoutWaitingForTheLease() throws Exception {
    try (ConsumerStore killed =
        new ConsumerStore(db.connection(), deadWorker(), db.config().maxPayloadBytes())) {
      assertThat(killed.claim("mailer", 10)).hasSize(3); // 30 s leases
    }
    try (HeliosConnection c = db.connection()) {
      String claimed = one(c, "SELECT heliosdb_claim('mailer', 10)");
      assertThat(claimed).contains("\"id\":1", "\"id\":2", "\"id\":3", "\"attempt\":2");
    }
  }

  @Test
  void anIdleWorkerTakesTheClaimsOfAKilledProcessWithoutWaitingForTheLease() throws Exception {
    List<String> handled = new CopyOnWriteArrayList<>();
    try (DurableConsumer c =
        db.consume(
            "mailer",
            List.of("jobs"),
            ConsumerSettings.DEFAULTS,
            d -> handled.add(d.payload() + "#" + d.attempt()))) {
      await().atMost(Duration.ofSeconds(20)).until(() -> handled.size() == 3);
      // A notification that a process on this machine claimed (30 s lease) and then was killed,
      // committed with the claim, so that the running worker does not take it first.
      try (HeliosConnection w = db.connection()) {
        w.setAutoCommit(false);
        one(w, "SELECT pg_notify('jobs', 'late')");
        long id = Long.parseLong(one(w, "SELECT max(id) FROM heliosdb_notifications"));
        try (Statement s = w.createStatement()) {
          s.executeUpdate(
              "INSERT INTO heliosdb_consumer_claims(consumer, id, worker, lease_until, attempts)"
                  + " VALUES ('mailer', "
                  + id
                  + ", '"
                  + deadWorker()
                  + "', "
                  + (System.currentTimeMillis() + 30_000)
                  + ", 1)");
          s.executeUpdate(
              "UPDATE heliosdb_consumer_state SET claimed_up_to = "
                  + id
                  + " WHERE name = 'mailer'");
        }
        w.commit();
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 4);
      assertThat(handled.get(3)).isEqualTo("late#2");
    }
  }
}
