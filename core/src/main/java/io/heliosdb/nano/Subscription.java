package io.heliosdb.nano;

import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.notify.Hub;
import io.heliosdb.nano.notify.Mailbox;
import io.heliosdb.nano.notify.Message;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription to one or more channels, with its own bounded queue. When the queue is full, new
 * notifications are dropped and the next item you read is an overflow marker ({@link
 * Notification#isOverflow()}) with the number lost: never a silent gap.
 */
public final class Subscription implements AutoCloseable {
  private static final Cleaner CLEANER = Cleaner.create();
  private static final Logger log = LoggerFactory.getLogger(Subscription.class);

  private final Hub hub;
  private final Mailbox mailbox;
  private final Cleaner.Cleanable cleanable;

  /** For a resuming subscription: the replay of the durable log before the live stream. */
  private final Resume resume;

  Subscription(Hub hub, Mailbox mailbox, boolean cleanWhenUnreachable, Resume resume) {
    this.hub = hub;
    this.mailbox = mailbox;
    this.resume = resume;
    // The action holds the mailbox and replay only, never this object, so that this object can
    // become unreachable.
    Runnable cleanup =
        resume == null
            ? mailbox::close
            : () -> {
              mailbox.close();
              resume.close();
            };
    this.cleanable = cleanWhenUnreachable ? CLEANER.register(this, cleanup) : null;
  }

  /**
   * Turns a polled subscription into a pushing one: {@code listener} runs on {@code executor} for
   * every item {@link #poll()} would return, in order, one at a time, starting now.
   */
  void pushTo(Executor executor, Consumer<Notification> listener) {
    AtomicBoolean scheduled = new AtomicBoolean();
    Runnable[] drain = new Runnable[1];
    Runnable schedule =
        () -> {
          if (!mailbox.isClosed() && scheduled.compareAndSet(false, true)) {
            executor.execute(drain[0]);
          }
        };
    // One drain at a time, even on a multi-threaded executor: the flag stays set while it runs,
    // and what arrived meanwhile is picked up by a new drain scheduled after it.
    drain[0] =
        () -> {
          try {
            for (Notification n = poll(); n != null; n = poll()) {
              try {
                listener.accept(n);
              } catch (RuntimeException e) {
                // as for live push listeners: a failing listener does not stop delivery
                log.warn("notification listener threw; delivery continues", e);
              }
            }
          } finally {
            scheduled.set(false);
          }
          if (mailbox.size() > 0) {
            schedule.run();
          }
        };
    mailbox.setArrivalSignal(schedule);
    schedule.run(); // the replay, and anything that arrived before the signal was set
  }

  /**
   * Registers {@code signal} to run whenever a notification is queued for this polled subscription
   * (or dropped because its queue is full), on the publishing thread: it must be quick and must not
   * block, e.g. schedule a task that calls {@link #poll()} until it returns null. For event loops
   * that cannot block in {@link #take()}. Poll once after registering: what was queued before is
   * not signalled (a resuming subscription's replay among it). Null removes the signal.
   */
  public void onNotification(Runnable signal) {
    mailbox.setArrivalSignal(signal);
  }

  /** Adds channels to this subscription, at once. */
  public void listen(String... channels) {
    for (String c : channels) {
      PubSub.checkChannel(c);
    }
    if (!hub.listenNow(mailbox, Arrays.asList(channels))) {
      throw new HeliosException(
          SqlState.PROGRAM_LIMIT_EXCEEDED, "too many channels: max_channels reached");
    }
  }

  /** Removes a channel from this subscription, at once. */
  public void unlisten(String channel) {
    hub.unlistenNow(mailbox, channel);
  }

  /** The channels subscribed to, sorted. */
  public List<String> channels() {
    return hub.channelsOf(mailbox);
  }

  /** The next notification (or marker), or null at once when none is queued. */
  public Notification poll() {
    if (resume == null) {
      return Notification.of(mailbox.poll());
    }
    while (!mailbox.isClosed()) {
      Notification replayed = resume.nextReplayed();
      if (replayed != null) {
        return replayed;
      }
      Message m = mailbox.poll();
      if (m == null) {
        return null;
      }
      Notification live = resume.live(m);
      if (live != null) {
        return live;
      }
    }
    return null;
  }

  /** Waits up to {@code timeout}; null when nothing arrived or the subscription was closed. */
  public Notification poll(Duration timeout) throws InterruptedException {
    if (resume == null) {
      return Notification.of(mailbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }
    long deadline = System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
    return waitResumed(deadline);
  }

  /** Waits until a notification arrives; null only when the subscription or database closed. */
  public Notification take() throws InterruptedException {
    if (resume == null) {
      return Notification.of(mailbox.poll(Long.MAX_VALUE, TimeUnit.NANOSECONDS));
    }
    return waitResumed(Long.MAX_VALUE);
  }

  private Notification waitResumed(long deadline) throws InterruptedException {
    while (true) {
      Notification n = poll();
      if (n != null) {
        return n;
      }
      long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
      if (left <= 0 || mailbox.isClosed()) {
        return null;
      }
      Message m = mailbox.poll(left, TimeUnit.NANOSECONDS);
      if (m == null) {
        return null;
      }
      Notification live = resume.live(m);
      if (live != null) {
        return live;
      }
    }
  }

  /** Notifications queued and not yet read. */
  public int queued() {
    return mailbox.size();
  }

  /**
   * Whether this subscription's queue is dropping notifications: some were dropped (it held
   * notification_queue_size notifications or notification_queue_bytes) that no overflow marker in
   * it reports yet. From the first drop until the reader has emptied enough of the queue; for a
   * front end that disconnects a client that stopped reading.
   */
  public boolean isOverflowing() {
    return mailbox.isOverflowing();
  }

  /**
   * How far behind this subscriber is, in notifications: those queued and not yet read, or, while a
   * resuming subscription replays the log, those of its channels logged after the last one it was
   * handed (one query on the log). For a metric per subscriber.
   */
  public long lag() {
    if (resume != null) {
      long backlog = resume.replayBacklog();
      if (backlog >= 0) {
        return backlog;
      }
    }
    return mailbox.size();
  }

  public boolean isClosed() {
    return mailbox.isClosed();
  }

  /** Unsubscribes; a thread waiting in {@link #take()} returns null. */
  @Override
  public void close() {
    if (cleanable != null) {
      cleanable.clean();
    } else {
      mailbox.close();
      if (resume != null) {
        resume.close();
      }
    }
  }
}
