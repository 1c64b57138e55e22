package io.heliosdb.nano.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliosdb.nano.metrics.DefaultMetrics;
import io.heliosdb.nano.metrics.MetricsTracker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * [monitoring]: metrics_enabled (and whether it was said at all, for heliosdb serve's default),
 * verbose_logging and log_payloads.
 */
class MonitoringConfigTest {
  /** The dashboard scenario's file from the product brief, unchanged. */
  static final String DASHBOARD =
      """
      [database]
      path = "/var/lib/heliosdb/sales.db"
      memory_limit_mb = 512
      enable_wal = true

      [pubsub]
      enabled = true
      max_channels = 1000
      max_payload_bytes = 8000
      notification_queue_size = 100

      [monitoring]
      metrics_enabled = true
      verbose_logging = false
      """;

  @TempDir Path dir;

  private Path write(String toml) throws IOException {
    return Files.writeString(dir.resolve("heliosdb.toml"), toml);
  }

  @Test
  void theDashboardFileLoadsWithEveryKeyAsWritten() throws IOException {
    HeliosConfig c = HeliosConfig.load(write(DASHBOARD));
    assertThat(c.path()).isEqualTo(Path.of("/var/lib/heliosdb/sales.db"));
    assertThat(c.memoryLimitMb()).isEqualTo(512);
    assertThat(c.enableWal()).isTrue();
    assertThat(c.pubsubEnabled()).isTrue();
    assertThat(c.maxChannels()).isEqualTo(1000);
    assertThat(c.maxPayloadBytes()).isEqualTo(8000);
    assertThat(c.notificationQueueSize()).isEqualTo(100);
    assertThat(c.metricsEnabled()).isTrue();
    assertThat(c.metrics()).isInstanceOf(DefaultMetrics.class);
    assertThat(c.verboseLogging()).isFalse();
    assertThat(c.logPayloads()).isFalse();
  }

  @Test
  void verboseLoggingAndLogPayloadsLoadAndSurviveToBuilder() throws IOException {
    HeliosConfig c =
        HeliosConfig.load(write("[monitoring]\nverbose_logging = true\nlog_payloads = true\n"));
    assertThat(c.verboseLogging()).isTrue();
    assertThat(c.logPayloads()).isTrue();
    assertThat(c.toString()).contains("verboseLogging=true, logPayloads=true");
    HeliosConfig copy = c.toBuilder().build();
    assertThat(copy.verboseLogging()).isTrue();
    assertThat(copy.logPayloads()).isTrue();

    HeliosConfig defaults = HeliosConfig.builder().build();
    assertThat(defaults.verboseLogging()).isFalse();
    assertThat(defaults.logPayloads()).isFalse();
  }

  @Test
  void aWrongTypeNamesTheLineAndKey() throws IOException {
    Path f = write("[monitoring]\nmetrics_enabled = true\nverbose_logging = \"yes\"\n");
    assertThatThrownBy(() -> HeliosConfig.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessage(f + ":3: verbose_logging must be true or false");
    Path g = write("[monitoring]\nlog_payload = true\n");
    assertThatThrownBy(() -> HeliosConfig.load(g))
        .hasMessageStartingWith(g + ":2: unknown key monitoring.log_payload, did you mean")
        .hasMessageContaining("log_payloads")
        .hasMessageContaining(
            "(keys of [monitoring]: metrics_enabled, verbose_logging, log_payloads)");
  }

  @Test
  void metricsEnabledIfUnsetDecidesOnlyWhenNothingElseDid() throws IOException {
    HeliosConfig unset = HeliosConfig.builder().inMemory().build();
    assertThat(unset.metricsEnabled()).isFalse();
    assertThat(unset.metrics()).isSameAs(MetricsTracker.NOOP);

    HeliosConfig serveDefault = unset.toBuilder().metricsEnabledIfUnset(true).build();
    assertThat(serveDefault.metricsEnabled()).isTrue();
    assertThat(serveDefault.metrics()).isInstanceOf(DefaultMetrics.class);
    // Once decided, it counts as said: a second default does not undo it.
    assertThat(serveDefault.toBuilder().metricsEnabledIfUnset(false).build().metricsEnabled())
        .isTrue();

    HeliosConfig off = HeliosConfig.builder().inMemory().metricsEnabled(false).build();
    assertThat(off.toBuilder().metricsEnabledIfUnset(true).build().metrics())
        .isSameAs(MetricsTracker.NOOP);

    MetricsTracker mine = new MetricsTracker() {};
    HeliosConfig own = HeliosConfig.builder().inMemory().metrics(mine).build();
    assertThat(own.toBuilder().metricsEnabledIfUnset(false).build().metrics()).isSameAs(mine);
  }

  @Test
  void fromAFileMetricsAreUnsetWithoutTheKeyAndOffWithFalse() throws IOException {
    HeliosConfig none = HeliosConfig.load(write("[database]\npath = \"m.db\"\n"));
    assertThat(none.toBuilder().metricsEnabledIfUnset(true).build().metricsEnabled()).isTrue();
    HeliosConfig off = HeliosConfig.load(write("[monitoring]\nmetrics_enabled = false\n"));
    HeliosConfig stillOff = off.toBuilder().metricsEnabledIfUnset(true).build();
    assertThat(stillOff.metricsEnabled()).isFalse();
    assertThat(stillOff.metrics()).isSameAs(MetricsTracker.NOOP);
  }
}
