package io.heliosdb.nano.notify;

/**
 * Feeds a hub from the database's notification log, for delivery between processes; see the session
 * layer's cross-process relay. The hub asks it to catch up after a local commit that logged
 * notifications, and closes it with itself.
 */
public interface Relay extends AutoCloseable {
  /** Delivers what was committed since the last look, in commit order. Never throws. */
  void catchUp();

  @Override
  void close();
}
