package io.heliosdb.nano.wire.limits;

import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.session.ConnectionGate;
import java.sql.SQLException;
import java.util.function.IntSupplier;

/**
 * The SQLite connections of the wire sessions: a session opens its own only at the first statement
 * that needs one (a listener that only LISTENs and NOTIFYs never does), and this counts them and
 * refuses one (53300) that the open-file limit has no room for beside the sessions' sockets ({@link
 * DescriptorBudget}), or the memory budget beside the sessions ({@link MemoryBudget}). The refused
 * session stays usable for LISTEN, UNLISTEN and NOTIFY. Thread-safe.
 */
public final class SqliteConnections implements ConnectionGate {
  private final int perConnection;
  private final IntSupplier sessions;
  private final MemoryBudget memory;
  private long descriptors;
  private int open;

  /**
   * @param fileDatabase whether the server serves a database file (descriptors per connection)
   * @param sessions the sessions admitted now, one socket each
   * @param memory the server's memory budget, or null without one
   */
  public SqliteConnections(boolean fileDatabase, IntSupplier sessions, MemoryBudget memory) {
    this.perConnection = DescriptorBudget.perConnection(fileDatabase);
    this.sessions = sessions;
    this.memory = memory;
    this.descriptors = DescriptorBudget.free();
  }

  /** The descriptors sessions and connections may take, as measured at start (tests: fewer). */
  public synchronized void descriptors(long free) {
    this.descriptors = free;
  }

  /** SQLite connections the sessions hold now. */
  public synchronized int open() {
    return open;
  }

  @Override
  public synchronized void opening() throws SQLException {
    long needed =
        (long) sessions.getAsInt() * DescriptorBudget.PER_SESSION
            + (long) (open + 1) * perConnection;
    if (needed > descriptors) {
      throw new HeliosSqlException(
          SqlState.TOO_MANY_CONNECTIONS,
          "too many connections: the open-file limit (ulimit -n "
              + DescriptorBudget.limit()
              + ") leaves no room for another SQLite connection beside "
              + sessions.getAsInt()
              + " sessions and "
              + open
              + " connections; this session can still LISTEN, UNLISTEN and NOTIFY; raise ulimit -n");
    }
    if (memory != null && !memory.connectionFits(sessions.getAsInt(), open + 1)) {
      throw new HeliosSqlException(
          SqlState.TOO_MANY_CONNECTIONS,
          "too many connections: the memory budget ("
              + memory.source()
              + " MiB) leaves no room for another SQLite connection beside "
              + sessions.getAsInt()
              + " sessions and "
              + open
              + " connections; this session can still LISTEN, UNLISTEN and NOTIFY; raise [server]"
              + " memory_limit_mb");
    }
    open++;
  }

  @Override
  public synchronized void closed() {
    open--;
  }
}
