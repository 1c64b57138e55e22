package io.heliosdb.nano.engine;

/**
 * Hands out commit tickets. The engine takes one inside SQLite's commit hook, while the database's
 * write lock is held, so ticket order is commit order. Every ticket taken is later either published
 * with the committed entries or cancelled, so that the layer above can release commits in order.
 */
public interface CommitSequencer {
  default long nextTicket() {
    return nextTicket(0);
  }

  /**
   * A ticket for a commit whose first notification in the log has id {@code firstLogId} (0: it
   * logged none), so that rows from this id on wait until the commit is published.
   */
  long nextTicket(long firstLogId);

  void cancel(long ticket);
}
