package io.heliosdb.nano.wire;

import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.wire.messages.TransactionStatus;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL's idle_session_timeout and idle_in_transaction_session_timeout for one session: a
 * timer on the channel's event loop, started when the session has sent ReadyForQuery and waits for
 * its client, stopped by the next message from the client. Notifications the server sends meanwhile
 * do not stop it: a session that only LISTENs is idle, as in PostgreSQL.
 *
 * <p>Messages are numbered as they arrive; a timer started for message n is void once message n + 1
 * has arrived, even if the session answered n after n + 1 was read.
 */
final class IdleTimeout {
  /** What to do when the timer runs out (on the event loop). */
  interface Expiry {
    void expired(SqlState sqlState, String message);
  }

  private final Channel channel;
  private final Expiry expiry;

  // Event loop only.
  private long received;
  private ScheduledFuture<?> timer;

  IdleTimeout(Channel channel, Expiry expiry) {
    this.channel = channel;
    this.expiry = expiry;
  }

  /** A message from the client arrived (event loop): the session is busy; returns its number. */
  long messageReceived() {
    received++;
    stop();
    return received;
  }

  /**
   * The session answered message {@code seq} with ReadyForQuery in {@code status} and now waits
   * (any thread); {@code timeoutMillis} is the timeout for that status, 0 for none.
   */
  void waiting(long seq, TransactionStatus status, long timeoutMillis) {
    if (timeoutMillis <= 0) {
      return;
    }
    EventLoop loop = channel.eventLoop();
    if (loop.inEventLoop()) {
      start(seq, status, timeoutMillis);
    } else {
      loop.execute(() -> start(seq, status, timeoutMillis));
    }
  }

  private void start(long seq, TransactionStatus status, long timeoutMillis) {
    if (seq != received || !channel.isActive()) {
      return; // the client has sent more since: not idle
    }
    stop();
    timer =
        channel
            .eventLoop()
            .schedule(() -> expire(seq, status), timeoutMillis, TimeUnit.MILLISECONDS);
  }

  private void expire(long seq, TransactionStatus status) {
    timer = null;
    if (seq != received || !channel.isActive()) {
      return;
    }
    if (status == TransactionStatus.IDLE) {
      expiry.expired(
          SqlState.IDLE_SESSION_TIMEOUT, "terminating connection due to idle-session timeout");
    } else {
      expiry.expired(
          SqlState.IDLE_IN_TRANSACTION_SESSION_TIMEOUT,
          "terminating connection due to idle-in-transaction timeout");
    }
  }

  /** Stops the timer (event loop). */
  void stop() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
