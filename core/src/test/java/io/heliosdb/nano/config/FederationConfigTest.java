package io.heliosdb.nano.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** [edge] and [federation]: the brief's edge-device file, the keys, their mistakes, the URL. */
public class FederationConfigTest {
  /** The edge-device file of the product brief, unchanged. */
  public static final String EDGE =
      """
      [database]
      path = "/var/lib/iot/sensors.db"
      memory_limit_mb = 64 # Low memory for edge devices
      page_size = 512
      enable_wal = true

      [pubsub]
      enabled = true
      max_channels = 50
      max_payload_bytes = 1024 # Smaller payloads for IoT

      [edge]
      device_id = "sensor_001"
      location = "warehouse_a"
      """;

  @TempDir Path dir;

  private Path write(String toml) throws IOException {
    return Files.writeString(dir.resolve("heliosdb.toml"), toml);
  }

  @Test
  void theEdgeFileLoadsWithEveryKeyAsWrittenAndNoFederation() throws IOException {
    HeliosConfig c = HeliosConfig.load(write(EDGE));
    assertThat(c.path()).isEqualTo(Path.of("/var/lib/iot/sensors.db"));
    assertThat(c.memoryLimitMb()).isEqualTo(64);
    assertThat(c.pageSize()).isEqualTo(512);
    assertThat(c.enableWal()).isTrue();
    assertThat(c.maxChannels()).isEqualTo(50);
    assertThat(c.maxPayloadBytes()).isEqualTo(1024);
    assertThat(c.deviceId()).isEqualTo("sensor_001");
    assertThat(c.nodeName()).isEqualTo("sensor_001");
    assertThat(c.location()).isEqualTo("warehouse_a");
    assertThat(c.federation().enabled()).isFalse();
    assertThat(c.toBuilder().build().nodeName()).isEqualTo("sensor_001");
  }

  @Test
  void withoutDeviceIdTheNodeIsNamedAfterTheHost() {
    String name = HeliosConfig.builder().build().nodeName();
    assertThat(name).isNotBlank().isEqualTo(HostName.get());
  }

  @Test
  void federationKeysLoad() throws IOException {
    Files.writeString(dir.resolve("nats.creds"), "creds");
    HeliosConfig c =
        HeliosConfig.load(
            write(
                EDGE
                    + """

                    [federation]
                    nats_url = ["nats://10.0.0.5:4222", "tls://nats.example:4222"]
                    channels = ["critical_alerts", "site.*"]
                    subject_prefix = "acme.iot"
                    credentials_file = "%s"
                    tls = true
                    outgoing_queue_size = 500
                    """
                        .formatted(dir.resolve("nats.creds"))));
    FederationSettings f = c.federation();
    assertThat(f.enabled()).isTrue();
    assertThat(f.natsUrls()).containsExactly("nats://10.0.0.5:4222", "tls://nats.example:4222");
    assertThat(f.channels().matches("critical_alerts")).isTrue();
    assertThat(f.channels().matches("site.a")).isTrue();
    assertThat(f.channels().matches("local")).isFalse();
    assertThat(f.subjectPrefix()).isEqualTo("acme.iot");
    assertThat(f.stream()).isEqualTo("ACME_IOT");
    assertThat(f.tls()).isTrue();
    assertThat(f.outgoingQueueSize()).isEqualTo(500);
    assertThat(c.toBuilder().build().federation().natsUrls()).isEqualTo(f.natsUrls());
  }

  @Test
  void oneUrlAsAStringAndTheDefaults() throws IOException {
    FederationSettings f =
        HeliosConfig.load(
                write("[federation]\nnats_url = \"nats://127.0.0.1:4333\"\nchannels = [\"a\"]\n"))
            .federation();
    assertThat(f.natsUrls()).containsExactly("nats://127.0.0.1:4333");
    assertThat(f.subjectPrefix()).isEqualTo("heliosdb");
    assertThat(f.stream()).isEqualTo("HELIOSDB");
    assertThat(f.outgoingQueueSize()).isEqualTo(10_000);
    assertThat(f.tls()).isFalse();
  }

  @Test
  void mistakesNameTheLineAndKey() throws IOException {
    assertMistake("[federation]\nchannels = [\"a\"]\nnats_url = \"http://x:1\"\n", ":3: nats_url");
    assertMistake("[federation]\nnats_url = \"nats://x:1\"\n", "channels must name at least one");
    assertMistake("[federation]\nchannels = [\"a\"]\nsubject_prefix = \"a b\"\n", ":3:");
    assertMistake("[federation]\nchannels = [\"a\"]\nnats_user = \"u\"\n", "nats_user is given");
    assertMistake(
        "[federation]\nchannels = [\"a\"]\ntoken = \"t\"\nnats_user = \"u\"\nnats_password = \"p\"\n",
        "one way to authenticate");
    assertMistake(
        "[federation]\nchannels = [\"a\"]\ncredentials_file = \"/nope/x.creds\"\n",
        ":3: credentials_file");
    assertMistake(
        "[federation]\nchannels = [\"a\"]\nnats_url = 4222\n",
        ":3: nats_url must be a string or an array");
    assertMistake("[federation]\nchanels = [\"a\"]\n", "did you mean channels?");
    assertMistake("[edge]\ndevice_id = 7\n", ":2: device_id must be a string");
    assertMistake("[edge]\ndevise_id = \"x\"\n", "did you mean device_id?");
  }

  private void assertMistake(String toml, String message) throws IOException {
    Path f = write(toml);
    assertThatThrownBy(() -> HeliosConfig.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  @Test
  void theJdbcUrlTakesTheSameKeys() {
    HeliosConfig c =
        JdbcConfig.read(
                "jdbc:heliosdb:x.db?device_id=n1&nats_url=nats://a:1,nats://b:2"
                    + "&channels=alerts,site.*&nats_user=u&nats_password=p",
                new Properties())
            .config();
    assertThat(c.nodeName()).isEqualTo("n1");
    assertThat(c.federation().natsUrls()).containsExactly("nats://a:1", "nats://b:2");
    assertThat(c.federation().channels().patterns()).isEqualTo(List.of("alerts", "site.*"));
    assertThat(c.federation().user()).isEqualTo("u");
    assertThat(c.federation().password()).isEqualTo("p");
  }

  @Test
  void theBuilderTakesThemToo() {
    HeliosConfig c =
        HeliosConfig.builder()
            .deviceId("sensor_002")
            .federation(
                FederationSettings.builder()
                    .natsUrl("nats://127.0.0.1:4222")
                    .channels("critical_alerts")
                    .build())
            .build();
    assertThat(c.federation().enabled()).isTrue();
    assertThat(c.federation().channels().matches("critical_alerts")).isTrue();
    assertThatThrownBy(() -> FederationSettings.builder().build())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("channels");
  }
}
