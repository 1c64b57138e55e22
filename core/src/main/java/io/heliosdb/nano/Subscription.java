package io.heliosdb.nano;

import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.notify.Hub;
import io.heliosdb.nano.notify.Mailbox;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A subscription to one or more channels, with its own bounded queue. When the queue is full, new
 * notifications are dropped and the next item you read is an overflow marker ({@link
 * Notification#isOverflow()}) with the number lost: never a silent gap.
 */
public final class Subscription implements AutoCloseable {
  private static final Cleaner CLEANER = Cleaner.create();

  private final Hub hub;
  private final Mailbox mailbox;
  private final Cleaner.Cleanable cleanable;

  Subscription(Hub hub, Mailbox mailbox, boolean cleanWhenUnreachable) {
    this.hub = hub;
    this.mailbox = mailbox;
    // The action holds the mailbox only, never this object, so this object can become unreachable.
    this.cleanable = cleanWhenUnreachable ? CLEANER.register(this, mailbox::close) : null;
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

  /** The next notification (or overflow marker), or null at once when none is queued. */
  public Notification poll() {
    return Notification.of(mailbox.poll());
  }

  /** Waits up to {@code timeout}; null when nothing arrived or the subscription was closed. */
  public Notification poll(Duration timeout) throws InterruptedException {
    return Notification.of(mailbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
  }

  /** Waits until a notification arrives; null only when the subscription or database closed. */
  public Notification take() throws InterruptedException {
    return Notification.of(mailbox.poll(Long.MAX_VALUE, TimeUnit.NANOSECONDS));
  }

  /** Notifications queued and not yet read. */
  public int queued() {
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
    }
  }
}
