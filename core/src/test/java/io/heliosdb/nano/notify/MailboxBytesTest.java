package io.heliosdb.nano.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.metrics.DefaultMetrics;
import io.heliosdb.nano.metrics.MetricsTracker.DropReason;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A mailbox's byte accounting: every queued message counts {@link Mailbox#bytesOf} in its mailbox
 * and, with notification_queue_total_bytes, in the hub's total; taking it, or closing the mailbox,
 * gives the bytes back. A notification that would pass either bound is dropped, counted by reason,
 * and reported in band by one overflow marker with the exact count.
 */
class MailboxBytesTest {
  private static final int PID = 1;
  private static final String PAYLOAD = "x".repeat(1000);

  /** One queued notification on channel "c" with {@link #PAYLOAD}. */
  private static final long ONE = Mailbox.ENTRY_BYTES + 2 * Mailbox.STRING_BYTES + 2 * (1 + 1000);

  private final DefaultMetrics metrics = new DefaultMetrics();
  private Hub hub;

  @AfterEach
  void close() {
    if (hub != null) {
      hub.close();
    }
  }

  private Mailbox listening(int capacity) {
    Mailbox box = hub.newMailbox(capacity, null, null);
    assertThat(hub.listenNow(box, List.of("c"))).isTrue();
    return box;
  }

  private void publish(int n) {
    for (int i = 0; i < n; i++) {
      hub.publishNow(PID, "c", PAYLOAD);
    }
  }

  @Test
  void aMessageCountsItsStringsAtTwoBytesACharacterPlusItsObjects() {
    Message m = new Message("orders", "{\"id\":1}", PID, 1, 0, 0, 0, null);
    assertThat(Mailbox.bytesOf(m)).isEqualTo(80 + (40 + 2 * 6) + (40 + 2 * 8));
    assertThat(Mailbox.bytesOf(Message.overflow(5))).isEqualTo(Mailbox.ENTRY_BYTES);
  }

  @Test
  void bytesFollowOffersAndTakesAndReturnToZero() {
    hub = new Hub(10, 1000, 1 << 20, 0, metrics);
    Mailbox box = listening(1000);
    publish(3);
    assertThat(box.queuedBytes()).isEqualTo(3 * ONE);
    assertThat(box.poll().payload()).isEqualTo(PAYLOAD);
    assertThat(box.queuedBytes()).isEqualTo(2 * ONE);
    box.poll();
    box.poll();
    assertThat(box.poll()).isNull();
    assertThat(box.queuedBytes()).isZero();
    assertThat(box.size()).isZero();
  }

  @Test
  void beyondTheByteBoundNotificationsAreDroppedAndReportedWithTheExactCount() {
    long bound = 10 * ONE + ONE / 2; // room for ten: the count bound is far away
    hub = new Hub(10, 1000, bound, 0, metrics);
    Mailbox box = listening(1000);
    publish(25);

    assertThat(box.size()).isEqualTo(10);
    assertThat(box.queuedBytes()).isEqualTo(10 * ONE).isLessThanOrEqualTo(bound);
    assertThat(box.isOverflowing()).isTrue();
    assertThat(metrics.dropped(DropReason.QUEUE_BYTES)).isEqualTo(15);
    assertThat(metrics.dropped(DropReason.QUEUE_FULL)).isZero();
    for (int i = 0; i < 10; i++) {
      assertThat(box.poll().isOverflow()).isFalse();
    }
    Message marker = box.poll();
    assertThat(marker.isOverflow()).isTrue();
    assertThat(marker.dropped()).isEqualTo(15);
    assertThat(box.isOverflowing()).isFalse();
    assertThat(box.poll()).isNull();
    assertThat(box.queuedBytes()).isZero();

    publish(1); // caught up: delivered again
    assertThat(box.poll().payload()).isEqualTo(PAYLOAD);
  }

  @Test
  void theMarkerGoesInWithTheNextNotificationOnceBothFitWhereTheGapIs() {
    hub = new Hub(10, 1000, 2 * ONE, 0, metrics);
    Mailbox box = listening(1000);
    publish(3); // two fit, the third is dropped
    assertThat(box.poll().sequence()).isEqualTo(1);
    publish(1); // one free slot: not room for the marker and this one, dropped too
    assertThat(box.poll().sequence()).isEqualTo(2);
    publish(1); // room for both now
    assertThat(box.size()).isEqualTo(2);
    assertThat(box.queuedBytes()).isEqualTo(Mailbox.ENTRY_BYTES + ONE);
    assertThat(box.poll().dropped()).isEqualTo(2);
    assertThat(box.poll().sequence()).isEqualTo(5);
    assertThat(box.queuedBytes()).isZero();
  }

  @Test
  void closingGivesTheBytesBackAndCountsWhatWasQueued() {
    hub = new Hub(10, 1000, 1 << 20, 1 << 20, metrics);
    Mailbox box = listening(1000);
    publish(7);
    assertThat(hub.totalQueueBytes()).isEqualTo(7 * ONE);
    box.close();
    assertThat(box.queuedBytes()).isZero();
    assertThat(hub.totalQueueBytes()).isZero();
    assertThat(metrics.dropped(DropReason.SUBSCRIBER_CLOSED)).isEqualTo(7);
  }

  @Test
  void theTotalBoundIsSharedAndAReaderThatKeepsUpIsDroppedOnlyWhileItIsReached() {
    hub = new Hub(10, 1000, 4 * ONE, 6 * ONE, metrics);
    Mailbox stalled = listening(1000);
    Mailbox other = listening(1000);
    publish(3);
    assertThat(hub.totalQueueBytes()).isEqualTo(6 * ONE);
    other.poll();
    other.poll();
    other.poll();
    assertThat(hub.totalQueueBytes()).isEqualTo(3 * ONE);

    publish(4); // stalled reaches its own bound at 4; other gets all four in the room left
    assertThat(stalled.size()).isEqualTo(4);
    assertThat(other.size()).isEqualTo(2);
    assertThat(metrics.dropped(DropReason.QUEUE_BYTES)).isEqualTo(3);
    assertThat(metrics.dropped(DropReason.TOTAL_QUEUE_BYTES)).isEqualTo(2);
    assertThat(hub.totalQueueBytes()).isEqualTo(6 * ONE);

    stalled.close(); // its bytes return to the total
    assertThat(hub.totalQueueBytes()).isEqualTo(2 * ONE);
    other.poll();
    other.poll();
    assertThat(other.poll().dropped()).isEqualTo(2);
    publish(1);
    assertThat(other.poll().sequence()).isEqualTo(8);
    assertThat(hub.totalQueueBytes()).isZero();
  }

  @Test
  void underConcurrentPublishersAndOneReaderEveryNotificationIsDeliveredOrCountedAndBytesReturn()
      throws Exception {
    long bound = 50 * ONE;
    hub = new Hub(10, 1000, bound, bound, metrics);
    Mailbox box = listening(1000);
    int publishers = 4;
    int each = 20_000;
    AtomicLong delivered = new AtomicLong();
    AtomicLong reported = new AtomicLong();
    AtomicLong maxBytes = new AtomicLong();
    AtomicBoolean publishing = new AtomicBoolean(true);
    Thread reader =
        new Thread(
            () -> {
              try {
                while (true) {
                  Message m = box.poll(10, TimeUnit.MILLISECONDS);
                  maxBytes.accumulateAndGet(box.queuedBytes(), Math::max);
                  if (m == null) {
                    if (!publishing.get() && box.size() == 0 && !box.isOverflowing()) {
                      return;
                    }
                  } else if (m.isOverflow()) {
                    reported.addAndGet(m.dropped());
                  } else {
                    delivered.incrementAndGet();
                  }
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    reader.start();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < publishers; t++) {
      Thread p =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                publish(each);
              });
      p.start();
      threads.add(p);
    }
    start.countDown();
    for (Thread p : threads) {
      p.join();
    }
    publishing.set(false);
    reader.join(TimeUnit.MINUTES.toMillis(1));
    assertThat(reader.isAlive()).as("the reader has taken everything").isFalse();

    long sent = (long) publishers * each;
    // The total bound equals the queue's here, and a reader gives back the queue's bytes just
    // before the total's: some drops are counted as the total's.
    long dropped =
        metrics.dropped(DropReason.QUEUE_BYTES) + metrics.dropped(DropReason.TOTAL_QUEUE_BYTES);
    assertThat(delivered.get() + reported.get()).isEqualTo(sent);
    assertThat(reported.get()).isEqualTo(dropped);
    assertThat(maxBytes.get()).isLessThanOrEqualTo(bound);
    assertThat(box.queuedBytes()).isZero();
    assertThat(box.size()).isZero();
    assertThat(hub.totalQueueBytes()).isZero();
  }
}
