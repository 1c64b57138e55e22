package io.heliosdb.nano.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.Subscription;
import io.heliosdb.nano.config.HeliosConfig;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class HeliosAutoConfigurationTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(HeliosAutoConfiguration.class));

  @Test
  void heliosdbPropertiesAreTheTomlKeysInAnySpelling() {
    runner
        .withPropertyValues(
            "spring.datasource.url=jdbc:heliosdb::memory:",
            "heliosdb.max-payload-bytes=1000",
            "heliosdb.notification_queue_size=7",
            "heliosdb.retention-max-age=90s",
            "heliosdb.durable-channels=orders,audit.*")
        .run(
            context -> {
              HeliosConfig config = context.getBean(HeliosDB.class).config();
              assertThat(config.maxPayloadBytes()).isEqualTo(1000);
              assertThat(config.notificationQueueSize()).isEqualTo(7);
              assertThat(config.retentionMaxAge()).isEqualTo(Duration.ofSeconds(90));
              assertThat(config.durableChannels().patterns()).containsExactly("orders", "audit.*");
            });
  }

  @Test
  void aBadValueStopsTheStartNamingTheKey() {
    runner
        .withPropertyValues(
            "spring.datasource.url=jdbc:heliosdb::memory:", "heliosdb.max-channels=lots")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining("max_channels"));
  }

  @Test
  void aMisspeltKeyStopsTheStartWithTheKnownKeys() {
    runner
        .withPropertyValues(
            "spring.datasource.url=jdbc:heliosdb::memory:", "heliosdb.max-chanels=10")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining("unknown key max_chanels")
                    .hasMessageContaining("max_channels"));
  }

  @Test
  void theDataSourceIsTheBeansDatabaseEvenInMemory() {
    runner
        .withPropertyValues("spring.datasource.url=jdbc:heliosdb::memory:")
        .run(
            context -> {
              HeliosDB db = context.getBean(HeliosDB.class);
              try (Subscription sub = db.pubsub().subscribe("orders");
                  Connection c = context.getBean(DataSource.class).getConnection();
                  Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t(x)");
                st.execute("NOTIFY orders, 'from the pool'");
                assertThat(db.query("SELECT count(*) AS n FROM t").get(0).get("n")).isEqualTo(0);
                assertThat(sub.poll(Duration.ofSeconds(5)).payload()).isEqualTo("from the pool");
              }
            });
  }

  @Test
  void anotherDatabaseUrlLeavesItOut() {
    runner
        .withPropertyValues("spring.datasource.url=jdbc:sqlite::memory:")
        .run(context -> assertThat(context).doesNotHaveBean(HeliosDB.class));
  }
}
