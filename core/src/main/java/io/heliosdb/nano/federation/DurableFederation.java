package io.heliosdb.nano.federation;

import io.heliosdb.nano.config.ChannelPatterns;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.engine.FederationLog;
import io.heliosdb.nano.metrics.MetricsTracker;
import io.heliosdb.nano.metrics.MetricsTracker.FederationEvent;
import io.heliosdb.nano.notify.Hub;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable federated channels, through a JetStream stream. Out: store-and-forward. This node's
 * durable notifications wait in its durable log; a thread publishes them in id order whenever NATS
 * is up, each with the message id origin:id, so that JetStream drops a publication repeated after a
 * crash between publishing and storing the forward position. In: from the stream sequence after the
 * last one received, both kept in this database; each notification of another node is written to
 * the durable log with its origin and the sequence in one transaction, then delivered in commit
 * order with this node's own commits. Neither gaps nor duplicates, across outages and crashes.
 */
final class DurableFederation implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DurableFederation.class);
  private static final int PAGE = 256;
  private static final long IDLE_MILLIS = 1000;

  private final Hub hub;
  private final String nodeName;
  private final ChannelPatterns shared;
  private final ChannelPatterns durable;
  private final HeliosConfig config;
  private final Subjects subjects;
  private final String stream;
  private final NatsLink link;
  private final MetricsTracker metrics;
  private final FederationLog outLog;
  private final FederationLog inLog;
  private final Semaphore wake = new Semaphore(0);
  private final Thread forwarder;
  private volatile long pending;
  private volatile boolean streamReady;
  private volatile boolean closed;

  /** Receiving: the last stream sequence taken, the subscription of the current connection. */
  private long receivedSeq;

  private JetStreamSubscription subscription;
  private Dispatcher dispatcher;

  /**
   * A message could not be stored: what follows it on this subscription is not taken either (that
   * would leave a gap), until a new subscription starts after the last one stored.
   */
  private boolean stalled;

  DurableFederation(Hub hub, HeliosConfig config, String url, NatsLink link, Subjects subjects)
      throws SQLException {
    this.hub = hub;
    this.config = config;
    this.nodeName = config.nodeName();
    this.shared = config.federation().channels();
    this.durable = config.durableChannels();
    this.subjects = subjects;
    this.stream = config.federation().stream();
    this.link = link;
    this.metrics = config.metrics();
    List<String> patterns = durableShared(config);
    this.outLog = FederationLog.open(config, url, patterns);
    try {
      this.inLog = FederationLog.open(config, url, patterns);
      this.receivedSeq = inLog.receivedSeq();
      this.pending = outLog.countToForward(outLog.forwardedUpTo());
    } catch (SQLException | RuntimeException e) {
      outLog.close();
      throw e;
    }
    metrics.federationForwardLag(pending);
    this.forwarder = new Thread(this::forwardLoop, "heliosdb-federation-forward");
    forwarder.setDaemon(true);
    forwarder.start();
    link.whenUp(this::up);
  }

  /**
   * The patterns of channels both federated and durable, for the log's GLOB: the federated ones, as
   * those that are not durable are never in the log (with cross_process they are, so a non-durable
   * one is filtered out when read).
   */
  private static List<String> durableShared(HeliosConfig config) {
    return config.federation().channels().patterns();
  }

  /** Whether {@code channel}'s notifications go through the stream. */
  boolean carries(String channel) {
    return durable.matches(channel) && shared.matches(channel);
  }

  /** A durable federated notification committed: forward it soon. Never blocks. */
  void committed() {
    wake.release();
  }

  long pending() {
    return pending;
  }

  private synchronized void up(Connection c) {
    if (closed) {
      return;
    }
    try {
      ensureStream(c);
      streamReady = true;
      if (subscription != null) {
        try {
          dispatcher.unsubscribe(subscription);
        } catch (IllegalStateException e) {
          // gone with the old connection
        }
      }
      if (dispatcher == null) {
        dispatcher = c.createDispatcher();
      }
      stalled = false;
      ConsumerConfiguration cc =
          ConsumerConfiguration.builder()
              .deliverPolicy(DeliverPolicy.ByStartSequence)
              .startSequence(receivedSeq + 1)
              .build();
      subscription =
          c.jetStream()
              .subscribe(
                  subjects.all(Subjects.DURABLE),
                  dispatcher,
                  this::received,
                  false,
                  PushSubscribeOptions.builder().stream(stream)
                      .ordered(true)
                      .configuration(cc)
                      .build());
      c.flush(Duration.ofSeconds(5));
    } catch (IOException | JetStreamApiException | TimeoutException | RuntimeException e) {
      log.warn("federation: cannot set up JetStream stream {}: {}", stream, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    wake.release();
  }

  boolean ready() {
    return streamReady && subscription != null;
  }

  private void ensureStream(Connection c) throws IOException, JetStreamApiException {
    JetStreamManagement jsm = c.jetStreamManagement();
    try {
      jsm.getStreamInfo(stream);
    } catch (JetStreamApiException e) {
      if (e.getErrorCode() != 404) {
        throw e;
      }
      // Several nodes may create it at once: the same configuration is accepted again.
      jsm.addStream(
          StreamConfiguration.builder()
              .name(stream)
              .subjects(subjects.all(Subjects.DURABLE))
              .storageType(StorageType.File)
              .maxAge(config.retentionMaxAge())
              // A publication repeated after a crash within this window is dropped by JetStream.
              .duplicateWindow(Duration.ofHours(24))
              .build());
      log.info("federation: created JetStream stream {}", stream);
    }
  }

  /** A message of the stream, on the dispatcher's thread, in stream order. */
  private synchronized void received(Message m) {
    if (closed || stalled) {
      return;
    }
    long seq = m.metaData().streamSequence();
    if (seq <= receivedSeq) {
      return; // delivered again after a resubscription
    }
    Envelope e = Envelope.decode(m.getData());
    try {
      if (e == null || e.origin().equals(nodeName) || !shared.matches(e.channel())) {
        if (e == null) {
          metrics.federation(FederationEvent.IGNORED);
        }
        inLog.receivedSeq(seq); // ours, or not shared here: nothing to deliver
      } else if (!durable.matches(e.channel())) {
        // Durable there, not here: delivered live, with no row in this node's log.
        inLog.receivedSeq(seq);
        hub.deliverRemote(e.origin(), e.senderPid(), e.channel(), e.payload(), 0);
        metrics.federation(FederationEvent.RECEIVED);
      } else {
        FederationLog.Appended a =
            inLog.appendRemote(e.origin(), e.senderPid(), e.channel(), e.payload(), seq, hub);
        if (a != null) {
          hub.publishRemote(
              a.ticket(), e.origin(), e.senderPid(), e.channel(), e.payload(), a.id());
          metrics.federation(FederationEvent.RECEIVED);
        }
      }
      receivedSeq = seq;
    } catch (SQLException x) {
      // Not stored: the next subscription (at the next connection) starts here again.
      log.warn("federation: cannot store a notification from {}: {}", e.origin(), x.getMessage());
      stalled = true;
      resubscribeSoon();
    }
  }

  private void resubscribeSoon() {
    Connection c = link.connection();
    if (c != null) {
      Thread t = new Thread(() -> up(c), "heliosdb-federation-resubscribe");
      t.setDaemon(true);
      t.start();
    }
  }

  private void forwardLoop() {
    while (!closed) {
      try {
        wake.tryAcquire(IDLE_MILLIS, TimeUnit.MILLISECONDS);
        wake.drainPermits();
        forwardAll();
      } catch (InterruptedException e) {
        return;
      } catch (SQLException | RuntimeException e) {
        if (!closed) {
          log.warn("federation: forwarding", e);
        }
      }
    }
  }

  /** Publishes every waiting notification, while NATS takes them. */
  private void forwardAll() throws SQLException, InterruptedException {
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
        // Once per page, not per notification: after a crash, what was published again is
        // dropped by JetStream as a duplicate (the message id).
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
        if (carries(r.channel())) {
          Envelope e = new Envelope(nodeName, r.senderPid(), r.id(), r.channel(), r.payload());
          try {
            js.publish(
                subjects.subject(Subjects.DURABLE, nodeName, r.channel()),
                e.encode(),
                PublishOptions.builder()
                    .messageId(nodeName + ":" + r.id())
                    .expectedStream(stream)
                    .build());
          } catch (IllegalArgumentException x) {
            // Larger than NATS's max_payload: it never will fit; waiting would stop the rest.
            log.warn(
                "federation: id {} on {} not published: {}", r.id(), r.channel(), x.getMessage());
            metrics.federation(FederationEvent.DROPPED);
            position = r.id();
            continue;
          } catch (IOException | JetStreamApiException | RuntimeException x) {
            log.debug("federation: publishing stopped, NATS will be tried again: {}", x.toString());
            return position; // before r: it is published again next time
          }
          metrics.federation(FederationEvent.FORWARDED);
        }
        position = r.id();
      }
      if (!rows.isEmpty()) {
        outLog.forwardedUpTo(position);
      }
    } while (rows.size() == PAGE);
    return position;
  }

  @Override
  public void close() {
    closed = true;
    forwarder.interrupt();
    try {
      forwarder.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      closeQuietly(outLog);
      closeQuietly(inLog);
    }
  }

  private static void closeQuietly(FederationLog l) {
    try {
      l.close();
    } catch (SQLException e) {
      log.debug("federation: closing", e);
    }
  }
}
