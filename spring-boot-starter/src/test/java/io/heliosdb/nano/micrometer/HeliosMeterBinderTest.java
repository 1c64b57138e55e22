package io.heliosdb.nano.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.Subscription;
import io.heliosdb.nano.config.HeliosConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HeliosMeterBinderTest {

  @Test
  void countsSentAndDeliveredNotificationsAndTheirLatency() throws Exception {
    HeliosMeterBinder metrics = new HeliosMeterBinder();
    MeterRegistry registry = new SimpleMeterRegistry();
    try (HeliosDB db = HeliosDB.open(HeliosConfig.builder().inMemory().metrics(metrics).build())) {
      metrics.bindTo(registry);
      try (Subscription a = db.pubsub().subscribe("orders");
          Subscription b = db.pubsub().subscribe("orders")) {
        assertThat(registry.get("heliosdb.subscriptions").gauge().value()).isEqualTo(2);
        assertThat(registry.get("heliosdb.channels").gauge().value()).isEqualTo(1);
        db.pubsub().notify("orders", "1");
        db.pubsub().notify("orders", "2");
        for (Subscription s : new Subscription[] {a, b}) {
          assertThat(s.poll(Duration.ofSeconds(5))).isNotNull();
          assertThat(s.poll(Duration.ofSeconds(5))).isNotNull();
        }
      }
      assertThat(registry.get("heliosdb.notifications.sent").functionCounter().count())
          .isEqualTo(2);
      assertThat(registry.get("heliosdb.notifications.delivered").functionCounter().count())
          .isEqualTo(4);
      Timer latency = registry.get("heliosdb.notification.latency").timer();
      assertThat(latency.count()).isEqualTo(4);
      assertThat(latency.takeSnapshot().histogramCounts()).isNotEmpty();
      assertThat(registry.get("heliosdb.subscriptions").gauge().value()).isZero();
    }
  }

  @Test
  void countsDropsByReason() throws Exception {
    HeliosMeterBinder metrics = new HeliosMeterBinder();
    MeterRegistry registry = new SimpleMeterRegistry();
    HeliosConfig config =
        HeliosConfig.builder().inMemory().notificationQueueSize(1).metrics(metrics).build();
    try (HeliosDB db = HeliosDB.open(config);
        Subscription s = db.pubsub().subscribe("orders")) {
      metrics.bindTo(registry);
      db.pubsub().notify("orders", "kept");
      db.pubsub().notify("orders", "dropped");
      assertThat(
              registry
                  .get("heliosdb.notifications.dropped")
                  .tag("reason", "queue_full")
                  .functionCounter()
                  .count())
          .isEqualTo(1);
    }
  }
}
