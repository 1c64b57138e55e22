package io.heliosdb.nano.federation;

import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.engine.FederationLog;
import io.heliosdb.nano.metrics.MetricsTracker;
import io.heliosdb.nano.metrics.MetricsTracker.FederationEvent;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store-and-forward of this node's durable federated notifications: they wait in the durable log,
 * and a thread publishes them to the JetStream stream in id order whenever NATS is up, each with
 * the message id {@code <node>:<id>}. How far it got is stored in the database once per page, so a
 * crash between publishing and storing publishes some again, and JetStream drops those repeats.
 */
final class DurableForwarder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DurableForwarder.class);
  private static final int PAGE = 256;
  private static final long IDLE_MILLIS = 1000;

  private final String nodeName;
  private final Predicate<String> carried;
  private final Subjects subjects;
  private final String stream;
  private final NatsLink link;
  private final MetricsTracker metrics;
  private final FederationLog outLog;
  private final Semaphore wake = new Semaphore(0);
  private final Thread thread;
  private volatile long pending;
  private volatile boolean streamReady;
  private volatile boolean closed;

  /** Closing: one last round, then the thread ends. */
  private volatile boolean stopping;

  /**
   * @param carried whether a channel goes through the stream (shared and durable)
   */
  DurableForwarder(
      HeliosConfig config, String url, Predicate<String> carried, NatsLink link, Subjects subjects)
      throws SQLException {
    this.nodeName = config.nodeName();
    this.carried = carried;
    this.subjects = subjects;
    this.stream = config.federation().stream();
    this.link = link;
    this.metrics = config.metrics();
    // The log's GLOB takes the shared patterns: a non-durable channel has no row in the log but
    // with cross_process, and such a row is passed over when read.
    this.outLog = FederationLog.open(config, url, config.federation().channels().patterns());
    try {
      this.pending = outLog.countToForward(outLog.forwardedUpTo());
    } catch (SQLException | RuntimeException e) {
      outLog.close();
      throw e;
    }
    metrics.federationForwardLag(pending);
    this.thread = new Thread(this::loop, "heliosdb-federation-forward");
    thread.setDaemon(true);
    thread.start();
  }

  /** Something to forward was committed, or NATS is back: look soon. Never blocks. */
  void wake() {
    wake.release();
  }

  /** The stream exists on the connected server: publishing may start. */
  void streamReady() {
    streamReady = true;
    wake.release();
  }

  long pending() {
    return pending;
  }

  private void loop() {
    while (!closed) {
      boolean last = stopping;
      try {
        if (!last) {
          wake.tryAcquire(IDLE_MILLIS, TimeUnit.MILLISECONDS);
        }
        wake.drainPermits();
        forwardAll();
      } catch (InterruptedException e) {
        return;
      } catch (SQLException | RuntimeException e) {
        if (!closed) {
          log.warn("federation: forwarding", e);
        }
      }
      if (last) {
        return;
      }
    }
  }

  /** Publishes every waiting notification, while NATS takes them. */
  private void forwardAll() throws SQLException {
    long position = outLog.forwardedUpTo();
    pending = outLog.countToForward(position);
    metrics.federationForwardLag(pending);
    Connection c = link.connection();
    if (c == null || !link.isUp() || !streamReady || pending == 0) {
      return;
    }
    JetStream js;
    try {
      js = c.jetStream();
    } catch (IOException e) {
      return;
    }
    long start = position;
    try {
      position = forward(js, position);
    } finally {
      if (position != start) {
        outLog.forwardedUpTo(position);
      }
      pending = outLog.countToForward(position);
      metrics.federationForwardLag(pending);
    }
  }

  /** Publishes pages of waiting notifications after {@code position}; returns the new one. */
  private long forward(JetStream js, long position) throws SQLException {
    List<FederationLog.Row> rows;
    do {
      rows = outLog.toForward(position, PAGE);
      for (FederationLog.Row r : rows) {
        if (closed) {
          return position;
        }
        if (carried.test(r.channel()) && !publish(js, r)) {
          return position; // before r: it is published again next time
        }
        position = r.id();
      }
      if (!rows.isEmpty()) {
        // Once per page, not per notification: a repeat after a crash is dropped by JetStream.
        outLog.forwardedUpTo(position);
      }
    } while (rows.size() == PAGE);
    return position;
  }

  /** False when NATS did not take it (to be tried again); true when done with it. */
  private boolean publish(JetStream js, FederationLog.Row r) {
    Envelope e = new Envelope(nodeName, r.senderPid(), r.id(), r.channel(), r.payload());
    try {
      js.publish(
          subjects.subject(Subjects.DURABLE, nodeName, r.channel()),
          e.encode(),
          PublishOptions.builder()
              .messageId(nodeName + ":" + r.id())
              .expectedStream(stream)
              .build());
      metrics.federation(FederationEvent.FORWARDED);
      return true;
    } catch (IllegalArgumentException x) {
      // Larger than NATS's max_payload: it never will fit, and waiting would stop the rest.
      log.warn("federation: id {} on {} not published: {}", r.id(), r.channel(), x.getMessage());
      metrics.federation(FederationEvent.DROPPED);
      return true;
    } catch (IOException | JetStreamApiException | RuntimeException x) {
      log.debug("federation: publishing stopped, NATS will be tried again: {}", x.toString());
      return false;
    }
  }

  /**
   * Stops after one last round (what waits goes out now if NATS is connected; else it waits in the
   * log for the next start), cut short after 5 s.
   */
  @Override
  public void close() {
    stopping = true;
    wake.release();
    try {
      thread.join(5000);
      closed = true;
      thread.interrupt();
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
    try {
      outLog.close();
    } catch (SQLException e) {
      log.debug("federation: closing", e);
    }
  }
}
