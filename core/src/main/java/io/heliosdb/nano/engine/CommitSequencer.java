package io.heliosdb.nano.engine;

/**
 * Hands out commit tickets. The engine takes one inside SQLite's commit hook, while the database's
 * write lock is held, so ticket order is commit order. Every ticket taken is later either published
 * with the committed entries or cancelled, so that the layer above can release commits in order.
 */
public interface CommitSequencer {
  long nextTicket();

  void cancel(long ticket);
}
