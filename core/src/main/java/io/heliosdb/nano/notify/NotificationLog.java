package io.heliosdb.nano.notify;

import io.heliosdb.nano.config.HeliosConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * [monitoring] verbose_logging: one DEBUG line per notification sent (committed, entering the hub)
 * and per notification delivered (handed to a subscriber), to the logger {@value
 * HeliosConfig#NOTIFICATIONS_LOGGER}. The payload's size always, the payload itself only with
 * log_payloads, cut to {@value #PAYLOAD_CHARS} characters and escaped to stay on one line.
 *
 * <p>Callers test {@link #on} (a final field) before calling, so that with verbose_logging off a
 * notification costs that test and nothing else; on, nothing is formatted while the logger's DEBUG
 * is off.
 */
final class NotificationLog {
  /** The most payload characters a line shows. */
  static final int PAYLOAD_CHARS = 200;

  /** Logs nothing: verbose_logging off. */
  static final NotificationLog OFF = new NotificationLog(false, false, null);

  /** Whether to call at all: verbose_logging. */
  final boolean on;

  private final boolean payloads;
  private final Logger log;

  private NotificationLog(boolean on, boolean payloads, Logger log) {
    this.on = on;
    this.payloads = payloads;
    this.log = log;
  }

  /** The log of {@code config}: {@link #OFF} unless verbose_logging is set. */
  static NotificationLog of(HeliosConfig config) {
    return of(
        config.verboseLogging(),
        config.logPayloads(),
        config.verboseLogging()
            ? LoggerFactory.getLogger(HeliosConfig.NOTIFICATIONS_LOGGER)
            : null);
  }

  /** A log to {@code log} (tests give their own); {@link #OFF} when {@code verbose} is false. */
  static NotificationLog of(boolean verbose, boolean payloads, Logger log) {
    return verbose ? new NotificationLog(true, payloads, log) : OFF;
  }

  boolean payloads() {
    return payloads;
  }

  Logger logger() {
    return log;
  }

  /**
   * A notification entered the hub: committed (or read from the log of a process sharing the file),
   * about to be offered to {@code listeners} subscribers.
   *
   * @param durableId its row in the durable log, 0 when it has none
   */
  void sent(int senderPid, String channel, String payload, long durableId, int listeners) {
    if (!log.isDebugEnabled()) {
      return;
    }
    StringBuilder b = new StringBuilder(96);
    b.append("notification sent channel=").append(channel);
    b.append(" sender_pid=").append(senderPid);
    b.append(" payload_bytes=").append(utf8Length(payload));
    if (durableId > 0) {
      b.append(" id=").append(durableId);
    }
    b.append(" listeners=").append(listeners);
    appendPayload(b, payload);
    log.debug(b.toString());
  }

  /**
   * {@code m} was handed to the subscriber reading {@code box}: with the time since the hub
   * released it; for an overflow marker, how many notifications it stands for.
   */
  void delivered(Mailbox box, Message m) {
    if (!log.isDebugEnabled()) {
      return;
    }
    long latencyNanos = System.nanoTime() - m.committedNanos();
    String subscriber = box.subscriber();
    StringBuilder b = new StringBuilder(112);
    if (m.isOverflow()) {
      b.append("notifications dropped, overflow marker delivered subscriber=").append(subscriber);
      b.append(" dropped=").append(m.dropped());
      log.debug(b.toString());
      return;
    }
    b.append("notification delivered channel=").append(m.channel());
    b.append(" sender_pid=").append(m.senderPid());
    b.append(" payload_bytes=").append(utf8Length(m.payload()));
    if (m.id() > 0) {
      b.append(" id=").append(m.id());
    }
    b.append(" subscriber=").append(subscriber);
    b.append(" latency_us=").append(latencyNanos / 1000);
    appendPayload(b, m.payload());
    log.debug(b.toString());
  }

  private void appendPayload(StringBuilder b, String payload) {
    if (!payloads) {
      return;
    }
    String p = payload == null ? "" : payload;
    int end = Math.min(p.length(), PAYLOAD_CHARS);
    if (end < p.length() && Character.isHighSurrogate(p.charAt(end - 1))) {
      end--; // not half a character
    }
    b.append(" payload=\"");
    for (int i = 0; i < end; i++) {
      char c = p.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
    if (end < p.length()) {
      b.append(" (cut from ").append(p.length()).append(" characters)");
    }
  }

  /** The UTF-8 encoding's length, without encoding (a lone surrogate counts as '?', one byte). */
  static int utf8Length(String s) {
    if (s == null) {
      return 0;
    }
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        n++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
