package io.heliosdb.nano.wire;

import io.heliosdb.nano.wire.limits.MemoryBudget;
import io.heliosdb.nano.wire.limits.SqliteConnections;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's sessions: admission against max_connections, the SQLite connections they open when
 * they first need one, lookup by process id for CancelRequest, and the {@link SchemaReader} they
 * share. Thread-safe.
 */
final class SessionRegistry {
  private final int maxConnections;
  private final String limitReason;
  private final Map<Integer, PgSession> byPid = new ConcurrentHashMap<>();
  private int admitted;
  private SchemaReader schema;
  private final SqliteConnections connections;

  /**
   * @param limitReason why the limit is lower than max_connections, or null when it is not
   * @param fileDatabase whether the sessions' SQLite connections open a database file
   * @param memory the server's memory budget, or null without one
   */
  SessionRegistry(
      int maxConnections, String limitReason, boolean fileDatabase, MemoryBudget memory) {
    this.maxConnections = maxConnections;
    this.limitReason = limitReason;
    this.connections = new SqliteConnections(fileDatabase, this::admitted, memory);
  }

  SessionRegistry(int maxConnections) {
    this(maxConnections, null, false, null);
  }

  /** Opens and counts the sessions' SQLite connections, within the open-file limit. */
  SqliteConnections connections() {
    return connections;
  }

  /** The server's schema reader on {@code db}, created at first use. */
  synchronized SchemaReader schemaReader(io.heliosdb.nano.HeliosDB db) {
    if (schema == null) {
      schema = new SchemaReader(db);
    }
    return schema;
  }

  /** Closes the schema reader's connection (the server stops). */
  synchronized void closeSchemaReader() {
    if (schema != null) {
      schema.close();
    }
  }

  int maxConnections() {
    return maxConnections;
  }

  /** What a refused client is told about the limit. */
  String describeLimit() {
    return limitReason == null ? "max_connections = " + maxConnections : limitReason + " sessions";
  }

  /** Takes a connection slot; false when all max_connections are taken. */
  synchronized boolean tryAdmit() {
    if (admitted >= maxConnections) {
      return false;
    }
    admitted++;
    return true;
  }

  /** Gives a slot back (the session has closed its database connection). */
  synchronized void release() {
    admitted--;
    notifyAll();
  }

  synchronized int admitted() {
    return admitted;
  }

  /** Waits until every admitted session has released its slot; false on timeout. */
  synchronized boolean awaitAllReleased(long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    while (admitted > 0) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return true;
  }

  void register(int pid, PgSession session) {
    byPid.put(pid, session);
  }

  void unregister(int pid, PgSession session) {
    byPid.remove(pid, session);
  }

  /** Cancels the running statement of session {@code pid} if {@code secret} is its key. */
  void cancel(int pid, int secret) {
    PgSession s = byPid.get(pid);
    if (s != null && s.hasSecret(secret)) {
      s.cancel();
    }
  }

  /** The session with this process id, or null. */
  PgSession session(int pid) {
    return byPid.get(pid);
  }

  List<PgSession> sessions() {
    return new ArrayList<>(byPid.values());
  }
}
