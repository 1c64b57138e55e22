package io.heliosdb.nano.wire;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.HeliosException;
import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads declared column types at Parse (for ParameterDescription and RowDescription) on a
 * connection of the server's own, not the session's: a read on the session's connection inside its
 * open transaction would start the transaction's snapshot before its first write, which then fails
 * with SQLITE_BUSY_SNAPSHOT ("database is locked") whenever another session committed in between.
 * One per server, opened at first use; lookups are short and run one at a time. What the session's
 * own uncommitted DDL declares is not seen here (its columns are typed as text).
 */
final class SchemaReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SchemaReader.class);

  /** A lookup on the reader's connection. */
  @FunctionalInterface
  interface Lookup<T> {
    T read(Connection conn) throws SQLException;
  }

  private final HeliosDB db;
  private HeliosConnection conn;
  private boolean closed;

  SchemaReader(HeliosDB db) {
    this.db = db;
  }

  /** Runs {@code lookup} on the reader's connection; {@code otherwise} when it cannot open. */
  synchronized <T> T read(Lookup<T> lookup, T otherwise) throws SQLException {
    if (closed) {
      return otherwise;
    }
    if (conn == null) {
      try {
        conn = db.connection();
      } catch (HeliosException e) {
        log.debug("no schema reader: {}", e.getMessage());
        return otherwise;
      }
    }
    return lookup.read(conn);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (conn != null) {
      try {
        conn.close();
      } catch (SQLException e) {
        log.debug("closing the schema reader", e);
      }
      conn = null;
    }
  }
}
