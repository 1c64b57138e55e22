package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliosdb.nano.config.FederationConfigTest;
import io.heliosdb.nano.config.HeliosConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The brief's edge-device file takes effect on an opened database, with its path overridden. */
class EdgeConfigTest {
  @TempDir Path dir;

  @Test
  void theEdgeFilesLimitsHold() throws Exception {
    Path toml = Files.writeString(dir.resolve("edge.toml"), FederationConfigTest.EDGE);
    HeliosConfig config =
        HeliosConfig.load(toml).toBuilder().path(dir.resolve("sensors.db")).build();
    try (HeliosDB db = HeliosDB.open(config)) {
      assertThat(db.query("PRAGMA page_size").get(0).values()).containsExactly(512);
      assertThat(db.query("PRAGMA journal_mode").get(0).values()).containsExactly("wal");
      assertThat(db.config().nodeName()).isEqualTo("sensor_001");

      assertThatThrownBy(() -> db.execute("SELECT pg_notify('a', ?)", "x".repeat(1024)))
          .hasMessageContaining("payload string too long");
      db.execute("SELECT pg_notify('a', ?)", "x".repeat(1023));

      List<Subscription> subs = new ArrayList<>();
      try {
        for (int i = 0; i < 50; i++) {
          subs.add(db.pubsub().subscribe("c" + i));
        }
        assertThatThrownBy(() -> db.pubsub().subscribe("c50")).isInstanceOf(HeliosException.class);
      } finally {
        subs.forEach(Subscription::close);
      }
    }
  }
}
