package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A test subscriber that can prove absence without sleeping: it publishes a unique marker and
 * collects everything delivered before the marker arrives. Delivery is in order, so whatever was
 * not received by then was never delivered.
 */
final class Listener implements AutoCloseable {
  private final HeliosDB db;
  private final Subscription sub;
  private final String channel;

  Listener(HeliosDB db, String channel) {
    this.db = db;
    this.channel = channel;
    this.sub = db.pubsub().subscribe(channel);
  }

  /** Payloads delivered so far, in order (waits for a marker published now). */
  List<String> delivered() throws InterruptedException {
    return deliveredNotifications().stream().map(Notification::payload).toList();
  }

  List<Notification> deliveredNotifications() throws InterruptedException {
    String marker = "marker-" + UUID.randomUUID();
    db.pubsub().notify(channel, marker);
    List<Notification> out = new ArrayList<>();
    while (true) {
      Notification n = sub.poll(Duration.ofSeconds(10));
      assertThat(n).as("marker should arrive within 10 s").isNotNull();
      if (marker.equals(n.payload())) {
        return out;
      }
      out.add(n);
    }
  }

  Subscription subscription() {
    return sub;
  }

  @Override
  public void close() {
    sub.close();
  }
}
