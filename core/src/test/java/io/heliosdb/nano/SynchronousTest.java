package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliosdb.nano.config.ConfigException;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.config.Synchronous;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code [database] synchronous} is in force on every embedded connection: those of the application
 * ({@code HeliosDB.connection()}, the driver) and the one behind {@code db.execute}/{@code
 * db.query}, without WAL too. (Every HeliosDB connection, durable consumers' and wire sessions'
 * included, is opened by {@code SqliteOpener.open}; the relay's by {@code LogFollower.open}: see
 * CrossProcessRelaySynchronousTest.)
 */
class SynchronousTest {
  @TempDir Path dir;

  @Test
  void theDefaultIsFull() {
    assertThat(HeliosConfig.builder().build().synchronous()).isEqualTo(Synchronous.FULL);
    assertThat(HeliosConfig.builder().build().toString()).contains("synchronous=full");
  }

  @ParameterizedTest
  @EnumSource(Synchronous.class)
  void everyEmbeddedConnectionHasTheMode(Synchronous mode) throws Exception {
    HeliosConfig config =
        HeliosConfig.builder()
            .path(dir.resolve(mode + ".db"))
            .synchronous(mode)
            .durableChannels("jobs")
            .build();
    try (HeliosDB db = HeliosDB.open(config)) {
      assertThat(((Number) db.query("PRAGMA synchronous").get(0).values().iterator().next()))
          .as("the connection of db.query")
          .isEqualTo(mode.pragmaValue());
      try (HeliosConnection c = db.connection();
          HeliosConnection d = db.connection()) {
        assertThat(synchronous(c)).as("db.connection()").isEqualTo(mode.pragmaValue());
        assertThat(synchronous(d)).as("a second db.connection()").isEqualTo(mode.pragmaValue());
        assertThat(journalMode(c)).isEqualTo("wal");
      }
      // toBuilder keeps the mode.
      assertThat(db.config().toBuilder().build().synchronous()).isEqualTo(mode);
    }
  }

  @Test
  void aConnectionMayLowerItsOwnModeOnly() throws Exception {
    // As PostgreSQL's SET synchronous_commit = off: for this connection, not the others.
    HeliosConfig config = HeliosConfig.builder().path(dir.resolve("own.db")).build();
    try (HeliosDB db = HeliosDB.open(config);
        HeliosConnection c = db.connection();
        HeliosConnection d = db.connection();
        Statement s = c.createStatement()) {
      s.execute("PRAGMA synchronous = NORMAL");
      assertThat(synchronous(c)).isEqualTo(1);
      assertThat(synchronous(d)).isEqualTo(2);
      try (HeliosConnection e = db.connection()) {
        assertThat(synchronous(e)).isEqualTo(2);
      }
    }
  }

  @Test
  void theDriverOpensWithTheDefaultOrTheFirstOpenersMode() throws Exception {
    // A URL without the key: a driver connection gets the default, FULL...
    String url = "jdbc:heliosdb:" + dir.resolve("driver.db");
    try (Connection c = DriverManager.getConnection(url)) {
      assertThat(synchronous(c)).isEqualTo(Synchronous.FULL.pragmaValue());
    }
    // ...unless the file is open in this JVM: then that handle's, as for the hub's other limits.
    HeliosConfig normal =
        HeliosConfig.builder()
            .path(dir.resolve("driver.db"))
            .synchronous(Synchronous.NORMAL)
            .build();
    try (HeliosDB db = HeliosDB.open(normal);
        Connection c = DriverManager.getConnection(url)) {
      assertThat(synchronous(c)).isEqualTo(Synchronous.NORMAL.pragmaValue());
    }
  }

  @Test
  void withoutWalFullIsExtraAndNormalIsRefused() throws Exception {
    // With a rollback journal the commit is the journal's deletion: EXTRA syncs the directory
    // after it, so that a power loss cannot bring the journal back and undo the commit.
    HeliosConfig config =
        HeliosConfig.builder().path(dir.resolve("journal.db")).enableWal(false).build();
    try (HeliosDB db = HeliosDB.open(config);
        HeliosConnection c = db.connection()) {
      assertThat(journalMode(c)).isEqualTo("delete");
      assertThat(synchronous(c)).isEqualTo(3);
    }
    assertThatThrownBy(
            () ->
                HeliosConfig.builder()
                    .path(dir.resolve("journal.db"))
                    .enableWal(false)
                    .synchronous(Synchronous.NORMAL)
                    .build())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("synchronous = \"normal\" needs enable_wal = true");
  }

  @Test
  void inMemoryTakesEitherMode() throws Exception {
    // Nothing of an in-memory database survives its process: the mode changes nothing, and is
    // accepted so that one configuration serves tests and files.
    for (Synchronous mode : Synchronous.values()) {
      HeliosConfig config = HeliosConfig.builder().inMemory().synchronous(mode).build();
      try (HeliosDB db = HeliosDB.open(config);
          HeliosConnection c = db.connection()) {
        assertThat(synchronous(c)).isEqualTo(mode.pragmaValue());
      }
    }
  }

  static int synchronous(Connection c) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static String journalMode(Connection c) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
