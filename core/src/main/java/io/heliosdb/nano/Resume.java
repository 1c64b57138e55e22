package io.heliosdb.nano;

import io.heliosdb.nano.notify.Message;
import io.heliosdb.nano.session.DurableReader;
import java.sql.SQLException;
import java.util.ArrayDeque;

/**
 * The replay half of a resuming subscription: reads the durable log after the last id delivered
 * until it is caught up, then lets live notifications through, skipping those the replay already
 * delivered. A live overflow is repaired by replaying again from the last id delivered, since every
 * dropped notification of a durable channel is in the log.
 */
final class Resume implements AutoCloseable {
  private static final int PAGE = 256;

  private final DurableReader reader;
  private final ArrayDeque<Notification> page = new ArrayDeque<>();
  private long lastId;
  private boolean replaying = true;

  /** The origin of a replayed notification that does not name one: committed on this node. */
  private final String nodeName;

  Resume(DurableReader reader, long fromId, String nodeName) throws SQLException {
    this.reader = reader;
    this.nodeName = nodeName;
    long start = reader.startAfter(fromId);
    if (start != fromId) {
      page.add(Notification.reset(start));
    }
    this.lastId = start;
  }

  /** The next replayed notification (or the reset marker), or null once caught up. */
  synchronized Notification nextReplayed() {
    if (page.isEmpty() && replaying) {
      try {
        for (DurableReader.Row r : reader.after(lastId, PAGE)) {
          page.add(
              Notification.replayed(
                  r.channel(),
                  r.payload(),
                  r.senderPid(),
                  r.id(),
                  r.origin() != null ? r.origin() : nodeName));
        }
      } catch (SQLException e) {
        throw HeliosException.wrap(e);
      }
      replaying = !page.isEmpty();
    }
    Notification n = page.poll();
    if (n != null && !n.isReset()) {
      lastId = n.id();
    }
    return n;
  }

  /**
   * What to hand out for a live message: null to skip it (the replay already delivered it), else
   * the notification. An overflow marker restarts the replay instead of being shown.
   */
  synchronized Notification live(Message m) {
    if (m.isOverflow()) {
      replaying = true;
      return null;
    }
    if (m.id() > 0 && m.id() <= lastId) {
      return null;
    }
    if (m.id() > 0) {
      lastId = m.id();
    }
    return Notification.of(m);
  }

  /** While replaying, the logged notifications after the last one handed out; else -1. */
  synchronized long replayBacklog() {
    if (!replaying && page.isEmpty()) {
      return -1;
    }
    try {
      return reader.countAfter(lastId);
    } catch (SQLException e) {
      throw HeliosException.wrap(e);
    }
  }

  synchronized boolean isReplaying() {
    return replaying || !page.isEmpty();
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (SQLException e) {
      // closing a read-only connection: nothing to keep
    }
  }
}
