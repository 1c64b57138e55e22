package io.heliosdb.nano.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.config.Synchronous;
import io.heliosdb.nano.engine.LogFollower;
import io.heliosdb.nano.metrics.MetricsTracker;
import io.heliosdb.nano.notify.Hub;
import io.heliosdb.nano.notify.HubRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The cross-process relay reads the log on a connection of its own (LogFollower), opened outside
 * SqliteOpener: it has {@code [database] synchronous} too, with WAL and without.
 */
class CrossProcessRelaySynchronousTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Synchronous.class)
  void theRelaysConnectionHasTheMode(Synchronous mode) throws Exception {
    Path file = dir.resolve(mode + ".db");
    HeliosConfig config =
        HeliosConfig.builder().path(file).crossProcess(true).synchronous(mode).build();
    String url = "jdbc:sqlite:" + file.toAbsolutePath();
    try (HeliosDB db = HeliosDB.open(config)) {
      // The relay of this database handle's hub.
      Database database = Database.of(config);
      HubRegistry.Shared shared = database.acquireHub();
      try {
        CrossProcessRelay relay = (CrossProcessRelay) shared.hub().relay();
        assertThat(relay.synchronous()).isEqualTo(mode.pragmaValue());
      } finally {
        HubRegistry.release(shared);
      }
      // A relay of another hub, as a second process would open it.
      Hub other = new Hub(100, 100, 1 << 20, 0, MetricsTracker.NOOP);
      try (CrossProcessRelay relay = new CrossProcessRelay(other, config, url)) {
        assertThat(relay.synchronous()).isEqualTo(mode.pragmaValue());
      } finally {
        other.close();
      }
    }
  }

  @Test
  void withoutWalToo() throws Exception {
    Path file = dir.resolve("journal.db");
    HeliosConfig config =
        HeliosConfig.builder()
            .path(file)
            .enableWal(false)
            .synchronous(Synchronous.FULL)
            .crossProcess(true)
            .build();
    try (LogFollower follower = LogFollower.open(config, "jdbc:sqlite:" + file.toAbsolutePath())) {
      assertThat(follower.synchronous()).as("EXTRA").isEqualTo(3);
    }
  }
}
