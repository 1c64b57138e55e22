package io.heliosdb.nano.engine;

import io.heliosdb.nano.config.ChannelPatterns;
import io.heliosdb.nano.engine.PendingEntry.Kind;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConnection;
import org.sqlite.core.CoreStatement;
import org.sqlite.core.DB;

/**
 * One SQLite connection and the notifications its transactions have pending.
 *
 * <p>How survival is decided: {@code pg_notify()} appends the entry to a Java queue; the first
 * entry of a transaction and every entry after a SAVEPOINT also write their sequence number into a
 * TEMP table on the same connection. SQLite then undoes those rows exactly when it undoes the work
 * around them (ROLLBACK TO a savepoint), so no SQL has to be parsed to follow savepoints; the first
 * row makes the transaction a write transaction, for which alone SQLite calls the commit hook. Two
 * gaps are closed here: SQLite does not undo the row when the statement that caused it fails
 * without a statement journal, so a failed statement that changed nothing drops the entries it
 * added (and their durable-log rows); and the commit hook fires before the commit is durable, so it
 * only takes a ticket, and entries are handed over after the call returned without error.
 *
 * <p>Not thread-safe: the caller serialises calls on one connection, as JDBC requires.
 */
public final class EngineConnection {
  static final String PENDING_TABLE = "temp._heliosdb_pending";
  private static final int PRUNE_EVERY = 1024;

  /** A hook event's ticket slot: the transaction rolled back. */
  private static final long ROLLED_BACK = -1;

  /**
   * A hook event's ticket slot: a commit with no entry pending (entries of a commit that failed
   * stay pending). Nothing to publish, so it takes no ticket, and a plain INSERT's commit costs no
   * hub round. The event stays in the list so that a rollback right after it (its commit failed) is
   * not taken for an earlier commit's.
   */
  private static final long NOTHING_COMMITTED = -2;

  private final SQLiteConnection conn;
  private final DB db;
  private final CommitSequencer sequencer;
  private final CoreStatement insertPending;
  private final ChannelPatterns durable;
  private final DurableLog log;
  private final PreparedStatement selectSurvivors;
  private final PreparedStatement deleteUpTo;
  private final PreparedStatement deleteAfter;

  private final ArrayDeque<PendingEntry> pending = new ArrayDeque<>();
  private final List<long[]> hookEvents = new ArrayList<>(2);
  private long lastSeq;
  private long deliveredUpTo;
  private long prunedUpTo;
  private boolean savepointRolledBack;

  /**
   * Entries from this sequence number on are journaled in the temp table, for a ROLLBACK TO to
   * undo; set when the transaction's first savepoint opens. Entries before any savepoint cannot be
   * undone by a ROLLBACK TO, so they need no row.
   */
  private long journalFrom = Long.MAX_VALUE;

  /**
   * Whether this transaction has written a temp row. The first entry of a transaction always writes
   * one: it makes the transaction a write transaction, without which SQLite calls no commit hook (a
   * transaction that only SELECTs pg_notify()).
   */
  private boolean txnWritten;

  /**
   * Whether the running statement writes rows (INSERT, UPDATE, DELETE): SQLite opened a write
   * transaction when it started, so the commit hook will fire without a temp row. Set by {@link
   * #beginStatement(boolean)}, cleared by {@link #afterCall}: an INSERT's trigger notifies without
   * writing the row.
   */
  private boolean statementWrites;

  private boolean internal;

  /**
   * An entry's rows are being written: under a read-only autocommit statement they commit by
   * themselves, before the entry is in {@link #pending}, and that commit is the entry's.
   */
  private boolean appending;

  private long statementMark = -1;
  private long statementChangesBefore;
  private long nestedChanges;

  EngineConnection(SQLiteConnection conn, CommitSequencer sequencer, ChannelPatterns durable)
      throws SQLException {
    this.conn = conn;
    this.db = conn.getDatabase();
    this.sequencer = sequencer;
    this.durable = durable;
    this.log = durable.isEmpty() ? null : new DurableLog(conn);
    try (Statement s = conn.createStatement()) {
      s.execute(
          "CREATE TEMP TABLE IF NOT EXISTS _heliosdb_pending(seq INTEGER PRIMARY KEY) WITHOUT ROWID");
    }
    NotifyFunctions.registerSequence(conn, this);
    this.insertPending =
        (CoreStatement)
            conn.prepareStatement(
                "INSERT INTO " + PENDING_TABLE + "(seq) VALUES (_heliosdb_current_seq())");
    this.selectSurvivors =
        conn.prepareStatement(
            "SELECT seq FROM " + PENDING_TABLE + " WHERE seq > ? AND seq <= ? ORDER BY seq");
    this.deleteUpTo = conn.prepareStatement("DELETE FROM " + PENDING_TABLE + " WHERE seq <= ?");
    this.deleteAfter = conn.prepareStatement("DELETE FROM " + PENDING_TABLE + " WHERE seq > ?");
    conn.addCommitListener(
        new SQLiteCommitListener() {
          @Override
          public void onCommit() {
            if (!internal) {
              hookEvents.add(
                  new long[] {
                    pending.isEmpty() && !appending
                        ? NOTHING_COMMITTED
                        : sequencer.nextTicket(firstLogId()),
                    lastSeq,
                    journalFrom
                  });
              transactionEnded();
            }
          }

          @Override
          public void onRollback() {
            if (!internal) {
              hookEvents.add(new long[] {ROLLED_BACK, lastSeq, journalFrom});
              transactionEnded();
            }
          }
        });
  }

  /**
   * PostgreSQL's checks on {@code pg_notify(channel, payload)}: the message of the error (SQLSTATE
   * 22023), or null when the arguments are acceptable.
   */
  public static String notifyArgumentProblem(String channel, String payload, int maxPayloadBytes) {
    return NotifyFunctions.checkArguments(channel, payload, maxPayloadBytes);
  }

  /** The JDBC connection to SQLite underneath. */
  public SQLiteConnection sqlite() {
    return conn;
  }

  long currentSeq() {
    return lastSeq;
  }

  private void transactionEnded() {
    journalFrom = Long.MAX_VALUE;
    txnWritten = false;
  }

  /** The smallest log id among the entries not yet delivered; 0 when none was logged. */
  private long firstLogId() {
    if (log == null) {
      return 0;
    }
    for (PendingEntry p : pending) {
      if (p.seq() > deliveredUpTo && p.durableId() > 0) {
        return p.durableId();
      }
    }
    return 0;
  }

  /** A SAVEPOINT is about to run: journal every later entry until the transaction ends. */
  public void savepointOpened() {
    if (journalFrom == Long.MAX_VALUE) {
      journalFrom = lastSeq + 1;
    }
  }

  /**
   * Records an entry that takes effect if the surrounding transaction commits. Called from inside a
   * SQL function while a statement runs, so it steps a prepared insert directly: the JDBC layer
   * would try to manage autocommit and fail with SQLITE_BUSY there.
   */
  void append(Kind kind, String channel, String payload, int senderPid) throws SQLException {
    long seq = ++lastSeq;
    boolean logged = kind == Kind.NOTIFY && log != null && durable.matches(channel);
    boolean journaled = seq >= journalFrom || (!txnWritten && !statementWrites);
    long durableId = 0;
    // The usual trigger's entry writes nothing: no rows of ours to count (each count a JNI call).
    if (logged || journaled) {
      long before = db.total_changes();
      appending = true;
      try {
        if (logged) {
          durableId = log.append(channel, payload, senderPid);
        }
        if (journaled) {
          // Set before the insert: under a read-only autocommit statement (SELECT pg_notify())
          // the nested insert commits by itself, and the commit hook resets this flag.
          txnWritten = true;
          stepPendingInsert();
        }
      } catch (SQLException | RuntimeException e) {
        lastSeq--;
        txnWritten = false;
        throw e;
      } finally {
        appending = false;
        nestedChanges += db.total_changes() - before;
      }
    }
    pending.addLast(new PendingEntry(seq, kind, channel, payload, durableId));
  }

  private void stepPendingInsert() throws SQLException {
    NestedSteps.run(db, insertPending);
  }

  /** Call before running one statement (or batch) of the user's. */
  public void beginStatement() throws SQLException {
    beginStatement(false);
  }

  /**
   * Call before running one statement (or batch) of the user's.
   *
   * @param writes the statement is an INSERT, UPDATE or DELETE (SQLite begins a write transaction
   *     for it before any of its functions run); false when unknown
   */
  public void beginStatement(boolean writes) throws SQLException {
    statementWrites = writes;
    statementMark = lastSeq;
    statementChangesBefore = db.total_changes();
    nestedChanges = 0;
  }

  /** Tells the connection that a ROLLBACK TO a savepoint ran: some entries may be gone. */
  public void savepointRolledBack() {
    savepointRolledBack = true;
  }

  /**
   * Call after a statement failed. When it changed no rows of its own, everything it recorded is
   * dropped, as PostgreSQL drops the notifications of a failed statement. When it did leave rows
   * behind (INSERT OR FAIL, RAISE(FAIL)), its notifications stand with them, as SQLite keeps them.
   */
  public void statementFailed() throws SQLException {
    // The failed statement's temp row may be gone with it: let the next entry write one again.
    txnWritten = false;
    if (statementMark < 0 || lastSeq == statementMark) {
      return;
    }
    long ownChanges = db.total_changes() - statementChangesBefore - nestedChanges;
    if (ownChanges > 0) {
      return;
    }
    runInternal(deleteAfter, statementMark);
    List<PendingEntry> durableDropped = null;
    while (!pending.isEmpty() && pending.peekLast().seq() > statementMark) {
      PendingEntry e = pending.removeLast();
      if (e.durableId() > 0) {
        durableDropped = durableDropped == null ? new ArrayList<>(2) : durableDropped;
        durableDropped.add(e);
      }
    }
    if (durableDropped != null) {
      dropDurableRows(durableDropped);
    }
  }

  /**
   * Removes the log rows of a failed statement's notifications where they still exist: inside an
   * open transaction (SQLite keeps what a function wrote during a failed statement, and this writer
   * holds the lock), or where a nested insert committed by itself (a read-only autocommit
   * statement: the hook saw its commit). In autocommit otherwise the rows rolled back with the
   * statement, and their ids may already belong to another writer's rows.
   */
  private void dropDurableRows(List<PendingEntry> dropped) throws SQLException {
    boolean inTransaction = inTransaction();
    for (PendingEntry e : dropped) {
      boolean committedByItself = false;
      for (long[] event : hookEvents) {
        committedByItself |= event[0] >= 0 && event[1] >= e.seq();
      }
      if (inTransaction || committedByItself) {
        log.delete(e.durableId());
      }
    }
  }

  /**
   * Call after every call that may have ended a transaction. Returns the batches that committed
   * during the call, in commit order; cancels the tickets of commits that failed.
   *
   * @param threw whether the call ended with an exception
   */
  public List<CommittedBatch> afterCall(boolean threw) throws SQLException {
    statementWrites = false;
    if (hookEvents.isEmpty()) {
      return List.of();
    }
    List<CommittedBatch> out = List.of();
    int n = hookEvents.size();
    for (int i = 0; i < n; i++) {
      long[] e = hookEvents.get(i);
      long ticket = e[0];
      long upTo = e[1];
      if (ticket == NOTHING_COMMITTED) {
        discardUpTo(upTo); // nothing pending up to there: a commit's bookkeeping, no SQL
        continue;
      }
      if (ticket == ROLLED_BACK) {
        discardUpTo(upTo);
        continue;
      }
      boolean rolledBackAfter = i + 1 < n && hookEvents.get(i + 1)[0] == ROLLED_BACK;
      // A call can fail after its commit succeeded (INSERT OR FAIL in autocommit commits the rows
      // before the failing one); only a transaction still open means the commit itself failed.
      boolean failed = rolledBackAfter || (i == n - 1 && threw && inTransaction());
      if (failed) {
        sequencer.cancel(ticket);
        continue;
      }
      List<PendingEntry> committed = takeCommitted(upTo, e[2]);
      if (out.isEmpty()) {
        out = new ArrayList<>(2);
      }
      out.add(new CommittedBatch(ticket, committed));
    }
    hookEvents.clear();
    maybePrune();
    return out;
  }

  /**
   * Whether SQLite has a transaction open. sqlite-jdbc does not expose sqlite3_get_autocommit(), so
   * this tries to BEGIN (and undoes it): about a microsecond, and only needed after a failed call.
   */
  public boolean inTransaction() throws SQLException {
    internal = true;
    try {
      if (db._exec("BEGIN") != 0) {
        return true;
      }
      db._exec("COMMIT");
      return false;
    } catch (SQLException e) {
      return true;
    } finally {
      internal = false;
    }
  }

  /** Entries with deliveredUpTo < seq <= upTo that SQLite kept, removed from the pending queue. */
  private List<PendingEntry> takeCommitted(long upTo, long journaledFrom) throws SQLException {
    List<PendingEntry> committed = new ArrayList<>();
    Set<Long> survivors = savepointRolledBack ? survivors(upTo) : null;
    Iterator<PendingEntry> it = pending.iterator();
    while (it.hasNext()) {
      PendingEntry p = it.next();
      if (p.seq() > upTo) {
        break;
      }
      it.remove();
      boolean survived =
          survivors == null || p.seq() < journaledFrom || survivors.contains(p.seq());
      if (p.seq() > deliveredUpTo && survived) {
        committed.add(p);
      }
    }
    deliveredUpTo = Math.max(deliveredUpTo, upTo);
    if (upTo == lastSeq) {
      savepointRolledBack = false;
    }
    return committed;
  }

  private Set<Long> survivors(long upTo) throws SQLException {
    Set<Long> seqs = new HashSet<>();
    internal = true;
    try {
      selectSurvivors.setLong(1, deliveredUpTo);
      selectSurvivors.setLong(2, upTo);
      try (ResultSet rs = selectSurvivors.executeQuery()) {
        while (rs.next()) {
          seqs.add(rs.getLong(1));
        }
      }
    } finally {
      internal = false;
    }
    return seqs;
  }

  /** A rollback undid everything up to {@code upTo}: forget those entries. */
  private void discardUpTo(long upTo) {
    while (!pending.isEmpty() && pending.peekFirst().seq() <= upTo) {
      pending.removeFirst();
    }
    deliveredUpTo = Math.max(deliveredUpTo, upTo);
    if (upTo == lastSeq) {
      savepointRolledBack = false;
    }
  }

  /** Delivered rows stay in the temp table (range reads skip them) until enough pile up. */
  private void maybePrune() throws SQLException {
    if (deliveredUpTo - prunedUpTo >= PRUNE_EVERY) {
      runInternal(deleteUpTo, deliveredUpTo);
      prunedUpTo = deliveredUpTo;
    }
  }

  private void runInternal(PreparedStatement ps, long arg) throws SQLException {
    internal = true;
    try {
      ps.setLong(1, arg);
      ps.executeUpdate();
    } finally {
      internal = false;
    }
  }

  /** Entries recorded but not yet committed or dropped (for diagnostics and tests). */
  public int pendingCount() {
    return pending.size();
  }

  public boolean isClosed() throws SQLException {
    return conn.isClosed();
  }

  /**
   * Closes the SQLite connection. Closing can finish an autocommit statement whose result set was
   * still open, and so commit it: those commits are returned like {@link #afterCall}'s. Survival
   * after a ROLLBACK TO cannot be re-read from a closed connection, so such a commit is cancelled.
   */
  public List<CommittedBatch> close() throws SQLException {
    conn.close();
    List<CommittedBatch> out = new ArrayList<>();
    for (int i = 0; i < hookEvents.size(); i++) {
      long[] e = hookEvents.get(i);
      if (e[0] < 0) {
        continue;
      }
      boolean rolledBackAfter =
          i + 1 < hookEvents.size() && hookEvents.get(i + 1)[0] == ROLLED_BACK;
      if (rolledBackAfter || savepointRolledBack) {
        sequencer.cancel(e[0]);
      } else {
        out.add(new CommittedBatch(e[0], takeCommitted(e[1], e[2])));
      }
    }
    hookEvents.clear();
    pending.clear();
    return out;
  }
}
