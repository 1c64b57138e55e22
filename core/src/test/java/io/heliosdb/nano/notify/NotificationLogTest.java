package io.heliosdb.nano.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.metrics.MetricsTracker;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * [monitoring] verbose_logging and log_payloads: a DEBUG line per notification sent and per
 * notification delivered, with channel, sender and sizes; the payload only when asked; nothing at
 * all when off.
 */
class NotificationLogTest {
  private static final int SENDER = 4242;

  /** 12 characters, 13 bytes in UTF-8 ('é' takes two). */
  private static final String SECRET = "héllo secret";

  private Hub hub;

  @AfterEach
  void close() {
    if (hub != null) {
      hub.close();
    }
  }

  private Hub hub(boolean verbose, boolean payloads, CapturingLogger log) {
    hub =
        new Hub(
            10,
            100,
            1 << 20,
            0,
            MetricsTracker.NOOP,
            NotificationLog.of(verbose, payloads, log),
            "node");
    return hub;
  }

  private Mailbox listening(String channel) {
    Mailbox box = hub.newMailbox(null, null);
    assertThat(hub.listenNow(box, List.of(channel))).isTrue();
    return box;
  }

  @Test
  void verboseLoggingLogsSendAndDeliveryAtDebugWithChannelAndSizesButNoPayload() {
    CapturingLogger log = new CapturingLogger(true);
    hub(true, false, log);
    Mailbox box = listening("orders");

    hub.publishNow(SENDER, "orders", SECRET);
    assertThat(log.lines)
        .containsExactly(
            "DEBUG notification sent channel=orders sender_pid=4242 payload_bytes=13 listeners=1");

    assertThat(box.poll().payload()).isEqualTo(SECRET);
    assertThat(log.lines).hasSize(2);
    assertThat(log.lines.get(1))
        .matches(
            "DEBUG notification delivered channel=orders sender_pid=4242 payload_bytes=13"
                + " subscriber=subscription:1 latency_us=\\d+");
    assertThat(log.lines).noneMatch(l -> l.contains("secret") || l.contains("payload="));
  }

  @Test
  void aSendNobodyListensToSaysSoAndASessionsMailboxIsNamedByItsPid() {
    CapturingLogger log = new CapturingLogger(true);
    hub(true, false, log);
    hub.publishNow(SENDER, "nobody", "");
    Mailbox box = listening("c");
    box.setOwnerPid(77);
    hub.publishNow(SENDER, "c", "x");
    box.poll();

    assertThat(log.lines.get(0))
        .isEqualTo(
            "DEBUG notification sent channel=nobody sender_pid=4242 payload_bytes=0 listeners=0");
    assertThat(log.lines.get(2)).contains(" subscriber=pid:77 ");
  }

  @Test
  void pushedDeliveryIsLoggedWhenTheListenerIsHandedTheNotification() throws Exception {
    CapturingLogger log = new CapturingLogger(true);
    hub(true, false, log);
    LinkedBlockingQueue<Message> got = new LinkedBlockingQueue<>();
    Mailbox box = hub.newMailbox(got::add, Runnable::run);
    hub.listenNow(box, List.of("c"));
    hub.publishNow(SENDER, "c", "abc");

    assertThat(got.poll(30, TimeUnit.SECONDS)).isNotNull();
    assertThat(log.lines).hasSize(2);
    assertThat(log.lines.get(1))
        .startsWith("DEBUG notification delivered channel=c sender_pid=4242 payload_bytes=3 ");
  }

  @Test
  void logPayloadsAddsThePayloadEscapedAndCutTo200Characters() {
    CapturingLogger log = new CapturingLogger(true);
    hub(true, true, log);
    Mailbox box = listening("c");
    hub.publishNow(SENDER, "c", SECRET);
    String line2 = "a\"b\nc" + "x".repeat(300);
    hub.publishNow(SENDER, "c", line2);
    box.poll();
    box.poll();

    // Both sends, then both deliveries.
    assertThat(log.lines).hasSize(4);
    assertThat(log.lines.get(0)).endsWith(" listeners=1 payload=\"héllo secret\"");
    assertThat(log.lines.get(2))
        .contains(" notification delivered ")
        .endsWith(" payload=\"héllo secret\"");
    String shown = "a\\\"b\\nc" + "x".repeat(195);
    assertThat(log.lines.get(1))
        .endsWith(
            " payload_bytes=305 listeners=1 payload=\"" + shown + "\" (cut from 305 characters)");
    assertThat(log.lines.get(3)).endsWith(" payload=\"" + shown + "\" (cut from 305 characters)");
    assertThat(log.lines).allMatch(l -> !l.contains("\n"));
  }

  @Test
  void offLogsNothingAndDoesNotEvenAskTheLogger() {
    CapturingLogger log = new CapturingLogger(true);
    hub(false, true, log);
    Mailbox box = listening("c");
    for (int i = 0; i < 3; i++) {
      hub.publishNow(SENDER, "c", SECRET);
    }
    hub.publishNow(SENDER, "nobody", SECRET);
    while (box.poll() != null) {}

    assertThat(log.lines).isEmpty();
    assertThat(log.calls).hasValue(0);
  }

  @Test
  void withDebugOffTheLoggerIsAskedAndGivenNothing() {
    CapturingLogger log = new CapturingLogger(false);
    hub(true, true, log);
    Mailbox box = listening("c");
    hub.publishNow(SENDER, "c", SECRET);
    box.poll();

    assertThat(log.lines).isEmpty();
    assertThat(log.calls).hasValue(2); // isDebugEnabled, once for the send, once for the delivery
  }

  @Test
  void droppedNotificationsShowAsTheirOverflowMarkerIsDelivered() {
    CapturingLogger log = new CapturingLogger(true);
    hub(true, false, log);
    Mailbox box = hub.newMailbox(2, null, null);
    hub.listenNow(box, List.of("c"));
    for (int i = 0; i < 5; i++) {
      hub.publishNow(SENDER, "c", "n" + i);
    }
    while (box.poll() != null) {}

    assertThat(log.lines.stream().filter(l -> l.contains("notification sent"))).hasSize(5);
    assertThat(log.lines.stream().filter(l -> l.contains("notification delivered"))).hasSize(2);
    assertThat(log.lines)
        .contains(
            "DEBUG notifications dropped, overflow marker delivered subscriber=subscription:1"
                + " dropped=3");
  }

  @Test
  void theHubOfADatabaseLogsAsItsConfigurationSays() {
    HeliosConfig quiet = HeliosConfig.builder().inMemory().build();
    HeliosConfig verbose = HeliosConfig.builder().inMemory().verboseLogging(true).build();
    HeliosConfig withPayloads =
        HeliosConfig.builder().inMemory().verboseLogging(true).logPayloads(true).build();

    assertThat(NotificationLog.of(quiet)).isSameAs(NotificationLog.OFF);
    assertThat(NotificationLog.of(quiet.toBuilder().logPayloads(true).build()))
        .as("log_payloads alone logs nothing")
        .isSameAs(NotificationLog.OFF);
    assertThat(NotificationLog.of(verbose).on).isTrue();
    assertThat(NotificationLog.of(verbose).payloads()).isFalse();
    assertThat(NotificationLog.of(withPayloads).payloads()).isTrue();
    assertThat(NotificationLog.of(verbose).logger().getName())
        .isEqualTo("io.heliosdb.nano.notifications");

    HubRegistry.Shared shared = HubRegistry.acquire("memory:NotificationLogTest", withPayloads);
    try {
      assertThat(shared.hub().notificationLog.on).isTrue();
      assertThat(shared.hub().notificationLog.payloads()).isTrue();
    } finally {
      HubRegistry.release(shared);
    }
  }

  @Test
  void utf8LengthIsThatOfTheEncoding() {
    for (String s :
        List.of("", "abc", SECRET, "€", "😀 emoji", "\u00ff\u07ff\u0800\uffff", "x".repeat(70))) {
      assertThat(NotificationLog.utf8Length(s))
          .as(s)
          .isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
    }
    assertThat(NotificationLog.utf8Length(null)).isZero();
  }
}
