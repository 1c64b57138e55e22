package io.heliosdb.nano.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.metrics.MetricsTracker;
import io.heliosdb.nano.notify.Hub;
import io.heliosdb.nano.notify.Mailbox;
import io.heliosdb.nano.notify.Message;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention of cross-process rows, and what a relay that fell behind it reports: the rows of
 * channels that are not durable go after {@link DurableRetention#TRANSIENT_KEEP}, durable ones stay
 * by their own retention, and a relay whose position retention passed gets an overflow marker
 * before the next notification, never a silent gap.
 */
class CrossProcessRelayTest {
  @TempDir Path dir;

  private HeliosConfig config(Path file) {
    return HeliosConfig.builder()
        .path(file)
        .crossProcess(true)
        .durableChannels("orders")
        .retentionMaxCount(3)
        .build();
  }

  @Test
  void retentionRemovesOtherChannelsRowsAfterTheirKeepAndCountsOnlyWhatIsLeft() throws Exception {
    Path file = dir.resolve("retention.db");
    HeliosConfig config = config(file);
    try (HeliosDB db = HeliosDB.open(config);
        HeliosConnection c = db.connection()) {
      for (int i = 1; i <= 4; i++) {
        c.notify("orders", "o" + i);
        c.notify("events", "e" + i);
      }
      Instant later = Instant.now().plus(DurableRetention.TRANSIENT_KEEP).plusSeconds(1);
      int removed = DurableRetention.prune(c, config, later);

      // All four "events" rows are past their keep; of the "orders" rows the newest three stay,
      // counted among the rows that are left (ids 1, 3, 5, 7), not by the span of ids.
      assertThat(removed).isEqualTo(5);
      assertThat(column(c, "SELECT payload FROM heliosdb_notifications ORDER BY id"))
          .containsExactly("o2", "o3", "o4");
      assertThat(
              column(
                  c,
                  "SELECT pruned_up_to || ' ' || transient_pruned_up_to"
                      + " FROM heliosdb_notifications_state"))
          .containsExactly("1 8");
    }
  }

  @Test
  void aRelayThatRetentionOvertookReportsTheLossBeforeTheNextNotification() throws Exception {
    Path file = dir.resolve("behind.db");
    HeliosConfig config = config(file);
    try (HeliosDB db = HeliosDB.open(config);
        HeliosConnection c = db.connection()) {
      for (int i = 1; i <= 3; i++) {
        c.notify("events", "lost" + i);
      }
      DurableRetention.prune(
          c, config, Instant.now().plus(DurableRetention.TRANSIENT_KEEP).plusSeconds(1));

      // A second hub stands for a process that had read nothing yet when retention ran.
      Hub other = new Hub(100, 100, 1 << 20, 0, MetricsTracker.NOOP);
      Mailbox box = other.newMailbox(null, null);
      other.listenNow(box, List.of("events"));
      String url = "jdbc:sqlite:" + file.toAbsolutePath();
      try (CrossProcessRelay relay = new CrossProcessRelay(other, config, url, 0)) {
        c.notify("events", "kept");
        relay.catchUp();
        Message marker = box.poll(10, TimeUnit.SECONDS);
        assertThat(marker.isOverflow()).isTrue();
        assertThat(marker.dropped()).isEqualTo(3);
        assertThat(box.poll(10, TimeUnit.SECONDS).payload()).isEqualTo("kept");
      } finally {
        other.close();
      }
    }
  }

  @Test
  void aFreshRelayStartsAfterWhatIsAlreadyCommitted() throws Exception {
    Path file = dir.resolve("fresh.db");
    HeliosConfig config = config(file);
    try (HeliosDB db = HeliosDB.open(config);
        HeliosConnection c = db.connection()) {
      c.notify("events", "old");
      Hub other = new Hub(100, 100, 1 << 20, 0, MetricsTracker.NOOP);
      Mailbox box = other.newMailbox(null, null);
      other.listenNow(box, List.of("events"));
      String url = "jdbc:sqlite:" + file.toAbsolutePath();
      try (CrossProcessRelay relay = new CrossProcessRelay(other, config, url)) {
        c.notify("events", "new");
        // The watcher delivers it by itself (the file changed), without a catchUp() call here.
        Message m = box.poll(10, TimeUnit.SECONDS);
        assertThat(m).isNotNull();
        assertThat(m.payload()).isEqualTo("new");
        assertThat(box.poll()).isNull();
      } finally {
        other.close();
      }
    }
  }

  private static List<String> column(Connection c, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
