package io.heliosdb.nano;

import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.notify.Hub;
import io.heliosdb.nano.notify.HubRegistry;
import io.heliosdb.nano.notify.Mailbox;
import io.heliosdb.nano.session.Database;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Publish and subscribe from Java. Channel names are taken as given, like {@code pg_notify()}'s (no
 * case folding): {@code subscribe("Orders")} does not hear {@code LISTEN Orders}, which listens on
 * {@code orders}.
 */
public final class PubSub {
  private final Hub hub;
  private final HeliosConfig config;

  /** Null unless the database logs notifications (durable channels, cross-process delivery). */
  private final DurableSupport durable;

  private final int pid = Database.newPid();
  private volatile boolean closed;

  PubSub(HubRegistry.Shared shared, HeliosConfig config, DurableSupport durable) {
    this.hub = shared.hub();
    this.config = config;
    this.durable = durable;
  }

  /**
   * Subscribes as {@code options} say, with a listener called on {@code executor}, one notification
   * at a time, in order: the replay first when resuming, then the live stream.
   */
  public Subscription subscribe(
      SubscribeOptions options, Executor executor, Consumer<Notification> listener) {
    Objects.requireNonNull(executor, "executor");
    Objects.requireNonNull(listener, "listener");
    if (options.resumeAfter() < 0) {
      return open(options.channelList(), options.queueCapacity(), executor, listener);
    }
    Subscription sub = subscribe(options);
    sub.pushTo(executor, listener);
    return sub;
  }

  /**
   * Subscribes as {@code options} say. With {@link SubscribeOptions#fromId}, the subscription first
   * delivers the durable notifications logged after that id (also those of other processes on the
   * file), then the live stream, with no gap and no duplicate; an overflow of its queue is repaired
   * from the log instead of being reported. Poll it from one thread.
   *
   * @throws HeliosException 22023 when resuming on a channel that is not durable
   */
  public Subscription subscribe(SubscribeOptions options) {
    List<String> channels = options.channelList();
    if (options.resumeAfter() < 0) {
      return open(channels, options.queueCapacity(), null, null);
    }
    checkOpen();
    for (String c : channels) {
      checkChannel(c);
      if (durable == null || !durable.isDurable(c)) {
        throw new HeliosException(
            SqlState.INVALID_PARAMETER_VALUE,
            "channel \""
                + c
                + "\" is not durable: resuming needs a channel listed in pubsub.durable_channels");
      }
    }
    // Live first, then the log: whatever commits in between is in both, and the seam skips it.
    Mailbox box = hub.newMailbox(capacity(options.queueCapacity()), null, null);
    Resume resume = null;
    try {
      if (!hub.listenNow(box, channels)) {
        throw new HeliosException(
            SqlState.PROGRAM_LIMIT_EXCEEDED, "too many channels: max_channels reached");
      }
      resume = new Resume(durable.reader(channels), options.resumeAfter(), hub.nodeName());
      return new Subscription(hub, box, true, resume);
    } catch (java.sql.SQLException e) {
      box.close();
      throw HeliosException.wrap(e);
    } catch (RuntimeException e) {
      box.close();
      if (resume != null) {
        resume.close();
      }
      throw e;
    }
  }

  /**
   * Subscribes at once to {@code channels}; read with {@link Subscription#poll()} and friends. A
   * subscription that becomes unreachable without being closed is closed for you.
   */
  public Subscription subscribe(String... channels) {
    return open(Arrays.asList(channels), 0, null, null);
  }

  /**
   * Subscribes with a listener called on {@code executor}, one notification at a time, in order
   * (overflow markers included). It runs until {@link Subscription#close()} or the database closes.
   */
  public Subscription subscribe(
      Collection<String> channels, Executor executor, Consumer<Notification> listener) {
    Objects.requireNonNull(executor, "executor");
    Objects.requireNonNull(listener, "listener");
    return open(List.copyOf(channels), 0, executor, listener);
  }

  private Subscription open(
      Collection<String> channels,
      int queueSize,
      Executor executor,
      Consumer<Notification> listener) {
    checkOpen();
    for (String c : channels) {
      checkChannel(c);
    }
    int capacity = capacity(queueSize);
    Mailbox box =
        listener == null
            ? hub.newMailbox(capacity, null, null)
            : hub.newMailbox(capacity, m -> listener.accept(Notification.of(m)), executor);
    Subscription sub = new Subscription(hub, box, listener == null, null);
    sub.listen(channels.toArray(new String[0]));
    return sub;
  }

  /**
   * Sends a notification in its own transaction: delivered to current subscribers at once. To send
   * one as part of a transaction, use {@link HeliosConnection#notify} on that connection.
   *
   * @throws HeliosException 22023 for an empty or over-long channel or a payload of {@code
   *     max_payload_bytes} or more; 08003 when the database is closed
   */
  public void notify(String channel, String payload) {
    checkOpen();
    if (!config.pubsubEnabled()) {
      throw new HeliosException(
          SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
          "LISTEN/NOTIFY is disabled for this database (pubsub.enabled = false)");
    }
    checkChannel(channel);
    String p = payload == null ? "" : payload;
    if (utf8LengthAtLeast(p, config.maxPayloadBytes())) {
      throw new HeliosException(SqlState.INVALID_PARAMETER_VALUE, "payload string too long");
    }
    if (durable != null && durable.isLogged(channel)) {
      durable.publish(channel, p); // through SQL: the log row commits with it
      return;
    }
    hub.publishNow(pid, channel, p);
  }

  /** A subscription's queue size: its own, else notification_queue_size. */
  private int capacity(int queueSize) {
    return queueSize > 0 ? queueSize : config.notificationQueueSize();
  }

  /** The process id {@link #notify} sends with. */
  public int pid() {
    return pid;
  }

  static void checkChannel(String channel) {
    if (channel == null || channel.isEmpty()) {
      throw new HeliosException(SqlState.INVALID_PARAMETER_VALUE, "channel name cannot be empty");
    }
    if (utf8LengthAtLeast(channel, 64)) {
      throw new HeliosException(SqlState.INVALID_PARAMETER_VALUE, "channel name too long");
    }
  }

  /** Whether {@code s} takes {@code limit} UTF-8 bytes or more; encodes only near the limit. */
  static boolean utf8LengthAtLeast(String s, int limit) {
    // A UTF-16 char is at most 3 UTF-8 bytes (a surrogate pair, 2 chars, is 4).
    if ((long) s.length() * 3 < limit) {
      return false;
    }
    return s.getBytes(StandardCharsets.UTF_8).length >= limit;
  }

  private void checkOpen() {
    if (closed || hub.isClosed()) {
      throw new HeliosException(SqlState.CONNECTION_DOES_NOT_EXIST, "database is closed");
    }
  }

  void close() {
    closed = true;
  }
}
