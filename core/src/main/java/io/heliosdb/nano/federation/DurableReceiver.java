package io.heliosdb.nano.federation;

import io.heliosdb.nano.config.ChannelPatterns;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.engine.FederationLog;
import io.heliosdb.nano.metrics.MetricsTracker;
import io.heliosdb.nano.metrics.MetricsTracker.FederationEvent;
import io.heliosdb.nano.notify.Hub;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable federated channels coming in, through the JetStream stream (created when missing): from
 * the stream sequence after the last one received, kept in this database, each notification of
 * another node is written to the durable log with its origin and its sequence in one transaction,
 * then delivered in commit order with this node's own commits. Neither gaps nor duplicates, across
 * outages, restarts and crashes. The way out is {@link DurableForwarder}'s.
 */
final class DurableReceiver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DurableReceiver.class);

  private final Hub hub;
  private final String nodeName;
  private final ChannelPatterns shared;
  private final ChannelPatterns durable;
  private final HeliosConfig config;
  private final Subjects subjects;
  private final String stream;
  private final NatsLink link;
  private final MetricsTracker metrics;
  private final FederationLog inLog;
  private final DurableForwarder forwarder;
  private volatile boolean closed;

  /** The last stream sequence taken. */
  private long receivedSeq;

  /** The subscription of the current connection. */
  private JetStreamSubscription subscription;

  private Dispatcher dispatcher;

  /**
   * A message could not be stored: what follows it on this subscription is not taken either (that
   * would leave a gap), until a new subscription starts after the last one stored.
   */
  private boolean stalled;

  DurableReceiver(
      Hub hub,
      HeliosConfig config,
      String url,
      NatsLink link,
      Subjects subjects,
      DurableForwarder forwarder)
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
    this.forwarder = forwarder;
    this.inLog = FederationLog.open(config, url, shared.patterns());
    try {
      this.receivedSeq = inLog.receivedSeq();
    } catch (SQLException | RuntimeException e) {
      inLog.close();
      throw e;
    }
    link.whenUp(this::up);
  }

  private synchronized void up(Connection c) {
    if (closed) {
      return;
    }
    try {
      ensureStream(c);
      forwarder.streamReady();
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
    forwarder.wake();
  }

  /** Whether the stream is subscribed and taking messages. */
  synchronized boolean ready() {
    return subscription != null && !stalled;
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

  @Override
  public void close() {
    closed = true;
    synchronized (this) {
      try {
        inLog.close();
      } catch (SQLException e) {
        log.debug("federation: closing", e);
      }
    }
  }
}
