package io.heliosdb.nano.notify;

import io.heliosdb.nano.config.ChannelPatterns;
import io.heliosdb.nano.engine.CommitSequencer;
import io.heliosdb.nano.engine.LogFollower;
import io.heliosdb.nano.engine.PendingEntry;
import io.heliosdb.nano.metrics.MetricsTracker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The notification hub of one database: channels, mailboxes, and release in commit order.
 *
 * <p>Commits are numbered by tickets taken inside SQLite's commit hook. Connections finish their
 * commits on their own threads, possibly out of order, so each finished commit waits here until
 * every earlier ticket has been published or cancelled; then its LISTEN changes apply and its
 * notifications fan out. Knows no SQL and no sockets.
 */
public final class Hub implements CommitSequencer {
  /**
   * Session process ids: a block of 100,000 per operating-system process, so that processes sharing
   * a file (cross-process delivery) show different senders, as PostgreSQL's backends do.
   */
  private static final AtomicInteger PIDS =
      new AtomicInteger(1000 + (int) (ProcessHandle.current().pid() % 20_000) * 100_000);

  private static final Object CANCELLED = new Object();

  private final int maxChannels;
  private final int queueSize;
  private final long queueBytes;
  private final MetricsTracker metrics;

  /** This node's name: the origin of the notifications committed here. */
  private final String nodeName;

  /** verbose_logging: tested before anything else is done for it. */
  private final boolean verbose;

  final NotificationLog notificationLog;

  /** Numbers of mailboxes, to name subscribers in the verbose log. */
  private final AtomicInteger mailboxIds = new AtomicInteger();

  /** notification_queue_total_bytes, shared by the mailboxes. */
  final TotalQueueBytes totalQueueBytes;

  private final AtomicLong tickets = new AtomicLong();

  private final Object lock = new Object();
  private final Map<Long, Object> finished = new HashMap<>();

  /** Channel to its listeners: a lone {@link Mailbox}, or a {@code Mailbox[]} of two or more. */
  private final Map<String, Object> listeners = new HashMap<>();

  private final Set<Mailbox> mailboxes = new HashSet<>();
  private long nextRelease = 1;
  private long sequence;
  private volatile boolean closed;

  /** Set with federation: committed notifications also go out to other nodes. */
  private volatile Outbound outbound;

  /** Set with cross-process delivery: logged notifications then fan out from the log. */
  private volatile Relay relay;

  /** Ticket to the first log id of a commit of this process not yet published; under lock. */
  private final Map<Long, Long> unpublishedLogIds = new HashMap<>();

  /** Whether the relay held rows back that a publication now lets go; under lock. */
  private boolean relayWaiting;

  /**
   * A finished commit waiting for its turn; {@code origin} names the node of a notification logged
   * from federation, null for a commit of this node.
   */
  private record Release(int senderPid, Mailbox sender, List<PendingEntry> entries, String origin) {
    Release(int senderPid, Mailbox sender, List<PendingEntry> entries) {
      this(senderPid, sender, entries, null);
    }
  }

  /**
   * @param queueSize notification_queue_size: each mailbox's bound in notifications, unless it is
   *     given its own
   * @param queueBytes notification_queue_bytes: each mailbox's bound in bytes
   * @param totalQueueBytes notification_queue_total_bytes: the bound of all together, 0 for none
   */
  public Hub(
      int maxChannels,
      int queueSize,
      long queueBytes,
      long totalQueueBytes,
      MetricsTracker metrics) {
    this(maxChannels, queueSize, queueBytes, totalQueueBytes, metrics, NotificationLog.OFF, null);
  }

  /**
   * @param notificationLog where verbose_logging writes, {@link NotificationLog#OFF} without it
   * @param nodeName this node's name, the origin of its notifications
   */
  Hub(
      int maxChannels,
      int queueSize,
      long queueBytes,
      long totalQueueBytes,
      MetricsTracker metrics,
      NotificationLog notificationLog,
      String nodeName) {
    this.nodeName = nodeName;
    this.maxChannels = maxChannels;
    this.queueSize = queueSize;
    this.queueBytes = queueBytes;
    this.totalQueueBytes = new TotalQueueBytes(totalQueueBytes);
    this.metrics = metrics;
    this.notificationLog = notificationLog;
    this.verbose = notificationLog.on;
  }

  /**
   * A new process id for a session (unique in this JVM), shown as the sender of its notifications.
   */
  public static int nextPid() {
    return PIDS.incrementAndGet();
  }

  public MetricsTracker metrics() {
    return metrics;
  }

  /** The bytes queued in all mailboxes together; 0 when notification_queue_total_bytes is 0. */
  public long totalQueueBytes() {
    return totalQueueBytes.queued();
  }

  @Override
  public long nextTicket(long firstLogId) {
    if (firstLogId <= 0 || relay == null) {
      return tickets.incrementAndGet();
    }
    synchronized (lock) {
      long ticket = tickets.incrementAndGet();
      unpublishedLogIds.put(ticket, firstLogId);
      return ticket;
    }
  }

  @Override
  public void cancel(long ticket) {
    boolean catchUp;
    synchronized (lock) {
      finished.put(ticket, CANCELLED);
      releaseInOrder();
      catchUp = takeRelayWaiting();
    }
    if (catchUp) {
      relay.catchUp();
    }
  }

  /**
   * Publishes a committed transaction: its LISTEN changes (for {@code sender}) and notifications.
   */
  public void publish(long ticket, int senderPid, Mailbox sender, List<PendingEntry> entries) {
    boolean catchUp;
    synchronized (lock) {
      if (ticket != nextRelease) {
        finished.put(ticket, new Release(senderPid, sender, entries));
        return;
      }
      // The usual case: every earlier commit is out already.
      released(nextRelease++);
      if (!closed) {
        apply(new Release(senderPid, sender, entries));
      }
      releaseInOrder();
      catchUp = takeRelayWaiting();
    }
    if (catchUp) {
      relay.catchUp(); // outside the lock: it delivers through deliverLogged
    }
  }

  /** Under the lock: a ticket is out, its log rows may go (cross-process delivery). */
  private void released(long ticket) {
    if (!unpublishedLogIds.isEmpty() && unpublishedLogIds.remove(ticket) != null) {
      relayWaiting = true;
    }
  }

  private boolean takeRelayWaiting() {
    boolean waiting = relayWaiting && relay != null;
    relayWaiting = false;
    return waiting;
  }

  /** Makes logged notifications fan out from {@code relay} rather than from commits. */
  public void setRelay(Relay relay) {
    this.relay = relay;
  }

  public Relay relay() {
    return relay;
  }

  /** Sends this process's committed notifications to other nodes too (federation). */
  public void setOutbound(Outbound outbound) {
    this.outbound = outbound;
  }

  public Outbound outbound() {
    return outbound;
  }

  /** This node's name, the origin of the notifications committed here. */
  public String nodeName() {
    return nodeName;
  }

  /**
   * Publishes a notification of another node that federation wrote to this node's durable log (row
   * {@code id}) in a transaction that took {@code ticket} before its commit: in commit order with
   * this node's commits, to local listeners only, never out again.
   */
  public void publishRemote(
      long ticket, String origin, int senderPid, String channel, String payload, long id) {
    PendingEntry e = new PendingEntry(0, PendingEntry.Kind.NOTIFY, channel, payload, id);
    boolean catchUp;
    synchronized (lock) {
      finished.put(ticket, new Release(senderPid, null, List.of(e), origin));
      releaseInOrder();
      catchUp = takeRelayWaiting();
    }
    if (catchUp) {
      relay.catchUp();
    }
  }

  /**
   * Delivers a notification another node committed (federation), as if committed here by a remote
   * sender: to local listeners only, never out again.
   *
   * @param id its id in this node's durable log, 0 when it has none
   */
  public void deliverRemote(String origin, int senderPid, String channel, String payload, long id) {
    synchronized (lock) {
      if (!closed) {
        fanOut(origin, senderPid, channel, payload, id);
      }
    }
  }

  /**
   * Fans out rows of the log in id order (cross-process delivery); a row's id is shown only on a
   * durable channel, as notifications on other channels have none to resume from. Returns how many
   * of the rows went out; the rest wait for a commit of this process (see {@link #nextTicket}),
   * whose publication catches the relay up again.
   */
  public int deliverLogged(List<LogFollower.Row> rows, ChannelPatterns durable) {
    synchronized (lock) {
      if (closed) {
        return rows.size();
      }
      // A row of a commit of this process that is not published yet waits, and every row after
      // it: that commit's LISTEN changes apply first, as they would without the log.
      long limit = Long.MAX_VALUE;
      for (long first : unpublishedLogIds.values()) {
        limit = Math.min(limit, first);
      }
      int n = 0;
      for (LogFollower.Row r : rows) {
        if (r.id() >= limit) {
          relayWaiting = true;
          break;
        }
        fanOut(
            r.origin() != null ? r.origin() : nodeName,
            r.senderPid(),
            r.channel(),
            r.payload(),
            durable.matches(r.channel()) ? r.id() : 0);
        n++;
      }
      return n;
    }
  }

  /** Tells every mailbox that up to {@code count} notifications were lost before the next one. */
  public void reportLoss(long count) {
    synchronized (lock) {
      for (Mailbox m : mailboxes) {
        if (!m.channels.isEmpty()) {
          m.markDropped(count);
        }
      }
    }
  }

  /** A notification that is its own transaction (the Java API outside one). */
  public void publishNow(int senderPid, String channel, String payload) {
    long ticket = nextTicket();
    boolean catchUp;
    synchronized (lock) {
      if (ticket != nextRelease) {
        finished.put(
            ticket,
            new Release(
                senderPid,
                null,
                List.of(new PendingEntry(0, PendingEntry.Kind.NOTIFY, channel, payload, 0))));
        return;
      }
      nextRelease++;
      if (!closed) {
        goOut(senderPid, channel, payload, 0);
        fanOut(nodeName, senderPid, channel, payload, 0);
      }
      releaseInOrder();
      catchUp = takeRelayWaiting();
    }
    if (catchUp) {
      relay.catchUp();
    }
  }

  private void releaseInOrder() {
    Object next;
    while (!finished.isEmpty() && (next = finished.remove(nextRelease)) != null) {
      released(nextRelease++);
      if (next != CANCELLED && !closed) {
        apply((Release) next);
      }
    }
  }

  private void apply(Release r) {
    List<PendingEntry> entries = r.entries();
    if (entries.isEmpty()) {
      return;
    }
    if (r.sender() != null) {
      for (PendingEntry e : entries) {
        switch (e.kind()) {
          case LISTEN -> addListener(r.sender(), e.channel());
          case UNLISTEN -> removeListener(r.sender(), e.channel());
          case UNLISTEN_ALL -> removeAll(r.sender());
          default -> {}
        }
      }
    }
    boolean relayed = relay != null;
    if (entries.size() == 1) {
      PendingEntry e = entries.get(0);
      if (e.kind() == PendingEntry.Kind.NOTIFY) {
        release(r.senderPid(), e, relayed, r.origin());
      }
      return;
    }
    // PostgreSQL delivers identical (channel, payload) pairs of one transaction once. Durable
    // notifications are all kept: each has its own row, and the live stream matches the log.
    Set<List<String>> seen = new LinkedHashSet<>();
    for (PendingEntry e : entries) {
      if (e.kind() == PendingEntry.Kind.NOTIFY
          && (e.durableId() > 0 || seen.add(List.of(e.channel(), e.payload())))) {
        release(r.senderPid(), e, relayed, r.origin());
      }
    }
  }

  /**
   * A committed notification: one of this node goes out to other nodes too; all go to local
   * listeners.
   */
  private void release(int senderPid, PendingEntry e, boolean relayed, String origin) {
    if (origin == null) {
      goOut(senderPid, e.channel(), e.payload(), e.durableId());
    }
    // With cross-process delivery, logged notifications fan out from the log instead.
    if (!(relayed && e.durableId() > 0)) {
      fanOut(
          origin != null ? origin : nodeName, senderPid, e.channel(), e.payload(), e.durableId());
    }
  }

  private void goOut(int senderPid, String channel, String payload, long durableId) {
    Outbound out = outbound;
    if (out != null) {
      out.committed(senderPid, channel, payload, durableId);
    }
  }

  private void fanOut(String origin, int pid, String channel, String payload, long durableId) {
    metrics.notificationSent(channel);
    Object targets = listeners.get(channel);
    if (verbose) {
      int n = targets == null ? 0 : targets instanceof Mailbox ? 1 : ((Mailbox[]) targets).length;
      notificationLog.sent(pid, channel, payload, durableId, n);
    }
    if (targets == null) {
      return;
    }
    Message m =
        new Message(channel, payload, pid, ++sequence, System.nanoTime(), 0, durableId, origin);
    if (targets instanceof Mailbox box) {
      box.offer(m);
      return;
    }
    for (Mailbox box : (Mailbox[]) targets) {
      box.offer(m);
    }
  }

  /** A new mailbox; {@code listener} and {@code executor} are null for a polled one. */
  public Mailbox newMailbox(Consumer<Message> listener, Executor executor) {
    return newMailbox(queueSize, listener, executor);
  }

  /** A new mailbox holding up to {@code capacity} notifications instead of the hub's queue size. */
  public Mailbox newMailbox(int capacity, Consumer<Message> listener, Executor executor) {
    Mailbox box =
        new Mailbox(this, mailboxIds.incrementAndGet(), capacity, queueBytes, listener, executor);
    synchronized (lock) {
      if (closed) {
        box.markClosed();
        return box;
      }
      mailboxes.add(box);
      metrics.subscriptionsChanged(mailboxes.size());
    }
    return box;
  }

  /** Listens at once (not transactional): for the Java API. False if beyond max_channels. */
  public boolean listenNow(Mailbox box, Collection<String> channels) {
    synchronized (lock) {
      int fresh = 0;
      for (String c : channels) {
        if (!listeners.containsKey(c)) {
          fresh++;
        }
      }
      if (listeners.size() + fresh > maxChannels) {
        return false;
      }
      for (String c : channels) {
        addListener(box, c);
      }
      return true;
    }
  }

  /** Whether one more listener on {@code channel} stays within max_channels. */
  public boolean mayListen(String channel) {
    synchronized (lock) {
      return listeners.containsKey(channel) || listeners.size() < maxChannels;
    }
  }

  public void unlistenNow(Mailbox box, String channel) {
    synchronized (lock) {
      removeListener(box, channel);
    }
  }

  /** The channels a mailbox listens to, sorted. */
  public List<String> channelsOf(Mailbox box) {
    synchronized (lock) {
      return box.channels.toList();
    }
  }

  /** Unsubscribes a mailbox from everything and closes it. */
  void remove(Mailbox box) {
    synchronized (lock) {
      removeAll(box);
      if (mailboxes.remove(box)) {
        metrics.subscriptionsChanged(mailboxes.size());
      }
      box.markClosed();
    }
  }

  /** Fill of the fullest mailbox, 0 to 1 (PostgreSQL's queue is as full as its slowest reader). */
  public double queueUsage() {
    synchronized (lock) {
      double max = 0;
      for (Mailbox m : mailboxes) {
        max = Math.max(max, m.usage());
      }
      return max;
    }
  }

  public int channelCount() {
    synchronized (lock) {
      return listeners.size();
    }
  }

  private void addListener(Mailbox box, String channel) {
    if (box.isClosed() || !box.channels.add(channel)) {
      return;
    }
    // Most channels have one listener: store it bare, without an array (memory per channel).
    Object old = listeners.get(channel);
    if (old == null) {
      listeners.put(channel, box);
      metrics.channelsChanged(listeners.size());
    } else if (old instanceof Mailbox lone) {
      listeners.put(channel, new Mailbox[] {lone, box});
    } else {
      Mailbox[] many = (Mailbox[]) old;
      Mailbox[] now = Arrays.copyOf(many, many.length + 1);
      now[many.length] = box;
      listeners.put(channel, now);
    }
  }

  private void removeListener(Mailbox box, String channel) {
    if (!box.channels.remove(channel)) {
      return;
    }
    Object old = listeners.get(channel);
    if (old instanceof Mailbox) {
      listeners.remove(channel);
      metrics.channelsChanged(listeners.size());
      return;
    }
    Mailbox[] many = (Mailbox[]) old;
    if (many.length == 2) {
      listeners.put(channel, many[0] == box ? many[1] : many[0]);
      return;
    }
    Mailbox[] now = new Mailbox[many.length - 1];
    int j = 0;
    for (Mailbox m : many) {
      if (m != box) {
        now[j++] = m;
      }
    }
    listeners.put(channel, now);
  }

  private void removeAll(Mailbox box) {
    for (String c : box.channels.toList()) {
      removeListener(box, c);
    }
  }

  /** Closes every mailbox and the relay; later publications are ignored. */
  public void close() {
    Outbound out = outbound;
    if (out != null) {
      out.close();
    }
    Relay r = relay;
    if (r != null) {
      r.close();
    }
    synchronized (lock) {
      closed = true;
      for (Mailbox m : new ArrayList<>(mailboxes)) {
        removeAll(m);
        m.markClosed();
      }
      mailboxes.clear();
      metrics.subscriptionsChanged(0);
    }
  }

  public boolean isClosed() {
    return closed;
  }
}
