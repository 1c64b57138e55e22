package io.heliosdb.nano.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TomlConfigLoaderTest {
  @TempDir Path dir;

  private Path write(String toml) throws IOException {
    return Files.writeString(dir.resolve("heliosdb.toml"), toml);
  }

  @Test
  void readsEverySeedKey() throws IOException {
    HeliosConfig c =
        HeliosConfig.load(
            write(
                """
                [database]
                path = "data/shop.db"
                memory_limit_mb = 64
                enable_wal = false
                page_size = 8192

                [pubsub]
                enabled = true
                max_channels = 500
                max_payload_bytes = 4000
                notification_queue_size = 1000

                [monitoring]
                metrics_enabled = true
                """));
    // Relative to the file, not to the working directory.
    assertThat(c.path()).isEqualTo(dir.resolve("data/shop.db"));
    assertThat(c.memoryLimitMb()).isEqualTo(64);
    assertThat(c.enableWal()).isFalse();
    assertThat(c.pageSize()).isEqualTo(8192);
    assertThat(c.pubsubEnabled()).isTrue();
    assertThat(c.maxChannels()).isEqualTo(500);
    assertThat(c.maxPayloadBytes()).isEqualTo(4000);
    assertThat(c.notificationQueueSize()).isEqualTo(1000);
    assertThat(c.metricsEnabled()).isTrue();
  }

  @Test
  void emptyFileGivesDefaults() throws IOException {
    HeliosConfig c = HeliosConfig.load(write(""));
    assertThat(c.maxPayloadBytes()).isEqualTo(8000);
    assertThat(c.enableWal()).isTrue();
    assertThat(c.path()).isEqualTo(dir.resolve("heliosdb.db"));
  }

  @Test
  void unknownKeySuggestsTheRightOneWithLine() throws IOException {
    Path f = write("[pubsub]\nmax_chanels = 3\n");
    assertThatThrownBy(() -> HeliosConfig.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(f + ":2")
        .hasMessageContaining("unknown key pubsub.max_chanels")
        .hasMessageContaining("did you mean max_channels?");
  }

  @Test
  void unknownSectionSuggests() throws IOException {
    Path f = write("[databse]\npath = \"x.db\"\n");
    assertThatThrownBy(() -> HeliosConfig.load(f))
        .hasMessageContaining(":1")
        .hasMessageContaining("unknown section [databse], did you mean database?");
  }

  @Test
  void serverAndHttpSectionsAreLeftToTheServer() throws IOException {
    Path ok = write("[database]\npath = \"x.db\"\n[server]\nport = 1\n[server.users]\na = \"b\"\n");
    assertThat(HeliosConfig.load(ok).path().getFileName()).hasToString("x.db");
    Path http = write("[database]\npath = \"y.db\"\n[http]\nport = 1\n[http.tokens]\na = {}\n");
    assertThat(HeliosConfig.load(http).path().getFileName()).hasToString("y.db");
    Path typo = write("[sever]\nport = 1\n");
    assertThatThrownBy(() -> HeliosConfig.load(typo))
        .hasMessageContaining("unknown section [sever], did you mean server?");
  }

  @Test
  void wrongTypeNamesLineAndKey() throws IOException {
    Path f = write("[database]\n\nenable_wal = \"yes\"\n");
    assertThatThrownBy(() -> HeliosConfig.load(f))
        .hasMessageContaining(f + ":3")
        .hasMessageContaining("enable_wal must be true or false");
  }

  @Test
  void outOfRangeValueNamesLineAndKey() throws IOException {
    Path f = write("[database]\npage_size = 1000\n");
    assertThatThrownBy(() -> HeliosConfig.load(f))
        .hasMessageContaining(f + ":2")
        .hasMessageContaining("page_size = 1000 is out of range");
  }

  @Test
  void syntaxErrorNamesLine() throws IOException {
    Path f = write("[pubsub]\nmax_channels = = 3\n");
    assertThatThrownBy(() -> HeliosConfig.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(f + ":2");
  }

  @Test
  void missingFileIsAClearError() {
    assertThatThrownBy(() -> HeliosConfig.load(dir.resolve("none.toml")))
        .hasMessageContaining("configuration file not found");
  }

  @Test
  void builderRejectsNonsense() {
    assertThatThrownBy(() -> HeliosConfig.builder().notificationQueueSize(0).build())
        .hasMessageContaining("notification_queue_size = 0 is out of range");
    assertThatThrownBy(() -> HeliosConfig.builder().maxPayloadBytes(-1).build())
        .hasMessageContaining("max_payload_bytes");
  }

  @Test
  void notificationQueueBytesHoldTwoOfTheLargestNotificationsAndTheTotalAtLeastOneQueue()
      throws IOException {
    HeliosConfig defaults = HeliosConfig.builder().build();
    assertThat(defaults.notificationQueueBytes()).isEqualTo(4 << 20);
    assertThat(defaults.notificationQueueTotalBytes()).isZero();

    Path f =
        write(
            "[pubsub]\nnotification_queue_bytes = 1048576\n"
                + "notification_queue_total_bytes = 8589934592\n");
    HeliosConfig c = HeliosConfig.load(f);
    assertThat(c.notificationQueueBytes()).isEqualTo(1 << 20);
    assertThat(c.notificationQueueTotalBytes()).isEqualTo(8L << 30);

    assertThatThrownBy(() -> HeliosConfig.builder().notificationQueueBytes(65535).build())
        .hasMessageContaining("notification_queue_bytes = 65535 is out of range")
        .hasMessageContaining("at least 65536");
    assertThatThrownBy(
            () ->
                HeliosConfig.builder()
                    .maxPayloadBytes(100_000)
                    .notificationQueueBytes(300_000)
                    .build())
        .hasMessageContaining("must be at least 400000");
    assertThatThrownBy(
            () ->
                HeliosConfig.builder()
                    .notificationQueueBytes(1 << 20)
                    .notificationQueueTotalBytes(1 << 19)
                    .build())
        .hasMessageContaining("notification_queue_total_bytes = 524288 is out of range");
    Path wrong = write("[pubsub]\nnotification_queue_bytes = \"1MB\"\n");
    assertThatThrownBy(() -> HeliosConfig.load(wrong))
        .hasMessageContaining(wrong + ":2")
        .hasMessageContaining("notification_queue_bytes must be an integer");
  }
}
