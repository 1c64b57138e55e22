package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosDB;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 client matrix: Flyway (with its PostgreSQL module, over pgjdbc) migrates the server: V1
 * creates a table with a SERIAL key and an index, V2 adds a column and inserts rows
 * (src/test/resources/db/testmigration). A second migrate applies nothing; info() shows both as
 * applied.
 */
class FlywayTest {
  @TempDir Path dir;
  private WireServer server;
  private String url;

  @BeforeEach
  void start() throws Exception {
    server =
        WireServer.start(HeliosDB.open(dir.resolve("flyway.db")), WireServer.Options.loopback(0));
    url = "jdbc:postgresql://127.0.0.1:" + server.port() + "/flyway";
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Flyway flyway() {
    FluentConfiguration conf =
        Flyway.configure().dataSource(url, "test", "").locations("classpath:db/testmigration");
    // Flyway's default lock is pg_try_advisory_xact_lock inside a transaction on its schema-history
    // connection, which then writes while the migration's connection has its own write
    // transaction open: SQLite has one writer, and the second waits until 55P03 "database is
    // locked". A session-level lock (postgresql.transactional.lock=false) leaves the history
    // connection in autocommit between its statements.
    conf.getConfigurationExtension(PostgreSQLConfigurationExtension.class)
        .setTransactionalLock(false);
    return conf.load();
  }

  @Test
  void migratesOnceThenHasNothingToDo() throws Exception {
    MigrateResult first = flyway().migrate();
    assertThat(first.success).isTrue();
    assertThat(first.migrationsExecuted).isEqualTo(2);
    assertThat(first.targetSchemaVersion).isEqualTo("2");

    MigrateResult second = flyway().migrate();
    assertThat(second.success).isTrue();
    assertThat(second.migrationsExecuted).isZero();

    MigrationInfo[] applied = flyway().info().applied();
    assertThat(Arrays.stream(applied).map(i -> i.getVersion().getVersion()))
        .containsExactly("1", "2");
    assertThat(Arrays.stream(applied).map(MigrationInfo::getState))
        .containsOnly(MigrationState.SUCCESS);
    assertThat(flyway().info().pending()).isEmpty();

    try (Connection c = DriverManager.getConnection(url, "test", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, customer, total FROM orders ORDER BY id")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong("id")).isEqualTo(1);
      assertThat(rs.getString("customer")).isEqualTo("ann");
      assertThat(rs.getBigDecimal("total")).isEqualTo(new BigDecimal("12.50"));
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong("id")).isEqualTo(2);
      assertThat(rs.next()).isFalse();
    }
  }
}
