package io.heliosdb.nano.http;

import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * The connections that wait for a request (they sent none yet, or part of one), the longest waiting
 * first. When max_connections is reached, a new connection closes the first of them instead of
 * being refused, as nginx drains idle keep-alive connections: a client that connects and sends
 * nothing (or half a request) cannot keep /health or real clients out, since every new connection
 * pushes the oldest such one out. Only when every connection is busy (an event stream, a WebSocket,
 * a request being answered) is a new one refused with 503. Shared by the event loops.
 */
final class WaitingConnections {
  private final LinkedHashSet<RequestDeadline> waiting = new LinkedHashSet<>();

  /** {@code d} waits from now: the last to be evicted. */
  synchronized void add(RequestDeadline d) {
    waiting.remove(d);
    waiting.add(d);
  }

  synchronized void remove(RequestDeadline d) {
    waiting.remove(d);
  }

  /** Closes the connection that has waited longest; false when none waits. */
  boolean evictOldest() {
    RequestDeadline oldest;
    synchronized (this) {
      Iterator<RequestDeadline> it = waiting.iterator();
      if (!it.hasNext()) {
        return false;
      }
      oldest = it.next();
      it.remove();
    }
    oldest.evict();
    return true;
  }

  synchronized int size() {
    return waiting.size();
  }
}
