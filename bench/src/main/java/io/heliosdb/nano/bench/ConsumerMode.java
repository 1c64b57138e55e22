package io.heliosdb.nano.bench;

/** How a benchmark's subscribers take their notifications: the ways an application would. */
public enum ConsumerMode {
  /** Polled subscriptions drained by one consumer thread ({@code take()}, or a poll sweep). */
  POLL_THREAD,
  /** Push listeners on a direct executor: they run on the publishing thread, inside notify(). */
  PUSH_DIRECT,
  /** Push listeners on one shared single-thread executor. */
  PUSH_EXECUTOR
}
