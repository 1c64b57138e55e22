package io.heliosdb.nano.federation;

import io.heliosdb.nano.metrics.MetricsTracker;
import io.heliosdb.nano.metrics.MetricsTracker.FederationEvent;
import io.nats.client.Connection;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the notifications of non-durable federated channels to NATS core, in commit order, on a
 * thread of its own: the committing thread only puts them in a bounded queue, and a full queue
 * drops (counted), so local delivery never waits for the network. At most once: what finds NATS
 * away is dropped too, as NATS core would not keep it for an absent subscriber either.
 */
final class LiveForwarder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LiveForwarder.class);

  /** How long closing waits for what is queued to go out while NATS is connected. */
  private static final long DRAIN_NANOS = 2_000_000_000L;

  private final BlockingQueue<Envelope> queue;
  private final Subjects subjects;
  private final NatsLink link;
  private final MetricsTracker metrics;
  private final Thread thread;
  private volatile boolean closed;

  LiveForwarder(int capacity, Subjects subjects, NatsLink link, MetricsTracker metrics) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.subjects = subjects;
    this.link = link;
    this.metrics = metrics;
    this.thread = new Thread(this::run, "heliosdb-federation-out");
    thread.setDaemon(true);
    thread.start();
  }

  /** Never blocks: a full queue drops the notification. */
  void offer(Envelope e) {
    if (!queue.offer(e)) {
      metrics.federation(FederationEvent.DROPPED);
    }
  }

  int pending() {
    return queue.size();
  }

  private void run() {
    while (!closed) {
      Envelope e;
      try {
        e = queue.take();
      } catch (InterruptedException x) {
        return;
      }
      publish(e);
    }
  }

  private void publish(Envelope e) {
    Connection c = link.connection();
    if (c == null || !link.isUp()) {
      metrics.federation(FederationEvent.DROPPED);
      return;
    }
    try {
      c.publish(subjects.subject(Subjects.LIVE, e.origin(), e.channel()), e.encode());
      metrics.federation(FederationEvent.FORWARDED);
    } catch (IllegalArgumentException | IllegalStateException x) {
      // Larger than the server's max_payload, or the connection went away meanwhile.
      metrics.federation(FederationEvent.DROPPED);
      log.debug("federation: not published on {}: {}", e.channel(), x.getMessage());
    }
  }

  /**
   * Stops, after publishing what is queued if NATS is connected (for up to 2 s): a notification
   * committed just before a short-lived process closes the database still goes out.
   */
  @Override
  public void close() {
    long end = System.nanoTime() + DRAIN_NANOS;
    while (!queue.isEmpty() && link.isUp() && System.nanoTime() - end < 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    closed = true;
    thread.interrupt();
    try {
      thread.join(1000); // the one it took, being published
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
