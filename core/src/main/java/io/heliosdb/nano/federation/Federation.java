package io.heliosdb.nano.federation;

import io.heliosdb.nano.config.ChannelPatterns;
import io.heliosdb.nano.config.FederationSettings;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.metrics.MetricsTracker;
import io.heliosdb.nano.metrics.MetricsTracker.FederationEvent;
import io.heliosdb.nano.notify.Hub;
import io.heliosdb.nano.notify.Outbound;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares a database's federated channels with other nodes through NATS (DESIGN.md section 9,
 * docs/federation.md): committed notifications go out after commit, in commit order, tagged with
 * this node's name; those of other nodes are delivered to local listeners as if committed by a
 * remote sender, and never go out again. Plays for nodes the part the cross-process relay plays for
 * processes sharing a file. One per database in a JVM, opened and closed with its hub.
 */
public final class Federation implements Outbound {
  private static final Logger log = LoggerFactory.getLogger(Federation.class);

  private final Hub hub;
  private final String nodeName;
  private final ChannelPatterns shared;
  private final MetricsTracker metrics;
  private final NatsLink link;
  private final LiveForwarder live;

  /** Both null without durable channels (or for an in-memory database, which has no log). */
  private final DurableForwarder forwarder;

  private final DurableReceiver receiver;

  /** Whether a channel goes through the stream: shared and durable. */
  private final Predicate<String> carried;

  private volatile boolean sameNameWarned;
  private volatile boolean subscribed;

  private Federation(Hub hub, HeliosConfig config, String url) throws SQLException {
    FederationSettings settings = config.federation();
    this.hub = hub;
    this.nodeName = config.nodeName();
    this.shared = settings.channels();
    this.metrics = config.metrics();
    Subjects subjects = new Subjects(settings.subjectPrefix());
    this.link = new NatsLink(settings, nodeName, metrics);
    this.live = new LiveForwarder(settings.outgoingQueueSize(), subjects, link, metrics);
    ChannelPatterns durable = config.durableChannels();
    this.carried = c -> durable.matches(c) && shared.matches(c);
    boolean logged = !durable.isEmpty() && !config.inMemory();
    DurableForwarder out = null;
    try {
      out = logged ? new DurableForwarder(config, url, carried, link, subjects) : null;
      this.receiver = logged ? new DurableReceiver(hub, config, url, link, subjects, out) : null;
    } catch (SQLException | RuntimeException e) {
      if (out != null) {
        out.close();
      }
      live.close();
      link.close();
      throw e;
    }
    this.forwarder = out;
    // Without a durable log of its own, a node hears the stream's subjects live too (a JetStream
    // publication reaches plain subscribers as well): at most once, as non-durable channels.
    link.whenUp(
        receiver == null
            ? new Subscriber(subjects.all(Subjects.LIVE), subjects.all(Subjects.DURABLE))
            : new Subscriber(subjects.all(Subjects.LIVE)));
  }

  /**
   * Starts federation for {@code hub}'s database as {@code config}'s [federation] says; returns at
   * once, NATS reachable or not (it is tried again in the background).
   */
  public static Federation start(Hub hub, HeliosConfig config, String url) throws SQLException {
    log.info(
        "federation: node {} shares {} through NATS at {}",
        config.nodeName(),
        config.federation().channels(),
        config.federation().natsUrls());
    return new Federation(hub, config, url);
  }

  /** Whether NATS is connected now, and this node subscribed. */
  public boolean connected() {
    return link.isUp() && subscribed && (receiver == null || receiver.ready());
  }

  /** Committed notifications of this node waiting to be published. */
  public long pendingForward() {
    return live.pending() + (forwarder == null ? 0 : forwarder.pending());
  }

  @Override
  public void committed(int senderPid, String channel, String payload, long durableId) {
    if (!shared.matches(channel)) {
      return;
    }
    if (forwarder != null && carried.test(channel)) {
      if (durableId > 0) {
        forwarder.wake(); // it waits in the durable log: forwarded from there
      }
      return;
    }
    live.offer(new Envelope(nodeName, senderPid, 0, channel, payload));
  }

  /** A message heard live: non-durable channels (durable ones too, without a log here). */
  void received(Message m) {
    Envelope e = Envelope.decode(m.getData());
    if (e == null || e.origin().equals(nodeName)) {
      metrics.federation(FederationEvent.IGNORED);
      if (e != null && !sameNameWarned) {
        sameNameWarned = true;
        log.warn(
            "federation: a notification from another node named {}, as this one: give each node"
                + " its own [edge] device_id; ignoring those",
            nodeName);
      }
      return;
    }
    if (!shared.matches(e.channel())) {
      return; // shared by that node, local here
    }
    hub.deliverRemote(e.origin(), e.senderPid(), e.channel(), e.payload(), 0);
    metrics.federation(FederationEvent.RECEIVED);
  }

  /** Subscribes once, at the first connection; jnats renews subscriptions after a reconnect. */
  private final class Subscriber implements java.util.function.Consumer<Connection> {
    private final String[] subjects;
    private Dispatcher dispatcher;

    Subscriber(String... subjects) {
      this.subjects = subjects;
    }

    @Override
    public synchronized void accept(Connection c) {
      if (dispatcher == null) {
        dispatcher = c.createDispatcher(Federation.this::received);
        for (String s : subjects) {
          dispatcher.subscribe(s);
        }
      }
      try {
        c.flush(Duration.ofSeconds(5)); // the server has the subscription: connected() says so
        subscribed = true;
      } catch (TimeoutException | IllegalStateException e) {
        log.debug("federation: subscribing", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    live.close();
    if (receiver != null) {
      receiver.close();
      forwarder.close();
    }
    link.close();
  }
}
