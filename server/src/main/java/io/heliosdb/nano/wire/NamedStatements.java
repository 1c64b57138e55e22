package io.heliosdb.nano.wire;

import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * The prepared statements and portals of one session by name ("" is the unnamed one, replaced by
 * the next Parse or Bind), with what each holds of the session's {@link PreparedMemory}: taken when
 * it is kept, given back when it is closed. A portal belongs to its statement and closes with it.
 */
final class NamedStatements {
  private final Map<String, PreparedQuery> statements = new HashMap<>();
  private final Map<String, Portal> portals = new HashMap<>();
  private final PreparedMemory.Holdings memory;

  NamedStatements(PreparedMemory.Holdings memory) {
    this.memory = memory;
  }

  /** The statement named {@code name}, or null. */
  PreparedQuery find(String name) {
    return statements.get(name);
  }

  /** The portal named {@code name}, or null. */
  Portal findPortal(String name) {
    return portals.get(name);
  }

  /** The statement named {@code name}; 26000 when there is none. */
  PreparedQuery statement(String name) throws SQLException {
    PreparedQuery p = statements.get(name);
    if (p == null) {
      throw new HeliosSqlException(
          SqlState.INVALID_SQL_STATEMENT_NAME,
          name.isEmpty()
              ? "unnamed prepared statement does not exist"
              : "prepared statement \"" + name + "\" does not exist");
    }
    return p;
  }

  /** The portal named {@code name}; 34000 when there is none. */
  Portal portal(String name) throws SQLException {
    Portal p = portals.get(name);
    if (p == null) {
      throw new HeliosSqlException(
          SqlState.INVALID_CURSOR_NAME,
          name.isEmpty()
              ? "unnamed portal does not exist"
              : "portal \"" + name + "\" does not exist");
    }
    return p;
  }

  /** 42P05 when a named statement {@code name} exists already (the unnamed one is replaced). */
  void checkNewStatement(String name) throws SQLException {
    if (!name.isEmpty() && statements.containsKey(name)) {
      throw new HeliosSqlException(
          SqlState.DUPLICATE_PREPARED_STATEMENT,
          "prepared statement \"" + name + "\" already exists");
    }
  }

  /** 42P03 when a named portal {@code name} exists already (the unnamed one is replaced). */
  void checkNewPortal(String name) throws SQLException {
    if (!name.isEmpty() && portals.containsKey(name)) {
      throw new HeliosSqlException(
          SqlState.DUPLICATE_CURSOR, "portal \"" + name + "\" already exists");
    }
  }

  /** Keeps a parsed statement under its name, taking the memory it holds. */
  void keep(String name, StatementPreparer.Prepared prepared) throws SQLException {
    QuickPath.Shape s = prepared.shape();
    long bytes = PreparedMemory.statementBytes(s.sql(), s.parameterTypes().length, s.columns());
    try {
      memory.take("prepared statement \"" + name + "\"", !name.isEmpty(), bytes);
    } catch (SQLException e) {
      close(prepared.ps());
      throw e;
    }
    statements.put(
        name,
        new PreparedQuery(
            s.sql(),
            s.verb(),
            s.parameterTypes(),
            s.used(),
            prepared.ps(),
            s.columns(),
            bytes,
            prepared.kind()));
  }

  /** Keeps a bound portal under its name, taking the memory it holds. */
  void keepPortal(String name, PreparedQuery statement, Object[] values, short[] formats)
      throws SQLException {
    long bytes = PreparedMemory.portalBytes(values, formats);
    memory.take("portal \"" + name + "\"", !name.isEmpty(), bytes);
    portals.put(name, new Portal(statement, values, formats, bytes));
  }

  /** Whether another portal of {@code statement} is suspended, part-read (they share its rows). */
  boolean hasSuspendedPortal(PreparedQuery statement) {
    for (Portal other : portals.values()) {
      if (other.statement == statement && other.rows != null) {
        return true;
      }
    }
    return false;
  }

  /** DEALLOCATE name: a named statement and its portals; 26000 when there is none. */
  void deallocate(String name) throws SQLException {
    if (name.isEmpty() || !statements.containsKey(name)) {
      throw new HeliosSqlException(
          SqlState.INVALID_SQL_STATEMENT_NAME,
          "prepared statement \"" + name + "\" does not exist");
    }
    closeStatement(name);
  }

  /** DEALLOCATE ALL: every named statement; the unnamed one stays (it may be running this). */
  void deallocateAll() {
    for (String name : new ArrayList<>(statements.keySet())) {
      if (!name.isEmpty()) {
        closeStatement(name);
      }
    }
  }

  /** CLOSE name: a named portal; 34000 when there is none. */
  void closeCursor(String name) throws SQLException {
    if (name.isEmpty() || !portals.containsKey(name)) {
      throw new HeliosSqlException(
          SqlState.INVALID_CURSOR_NAME, "cursor \"" + name + "\" does not exist");
    }
    closePortal(name);
  }

  /** CLOSE ALL, or the end of a transaction: every portal but {@code keep} (null: all). */
  void closePortalsExcept(Portal keep) {
    for (String name : new ArrayList<>(portals.keySet())) {
      if (portals.get(name) != keep) {
        closePortal(name);
      }
    }
  }

  /** Every statement and with it its portals (every portal is bound to one). */
  void closeAll() {
    for (String name : new ArrayList<>(statements.keySet())) {
      closeStatement(name);
    }
  }

  /** Closes a statement and the portals bound to it; nothing when there is none. */
  void closeStatement(String name) {
    PreparedQuery p = statements.remove(name);
    if (p == null) {
      return;
    }
    for (String portal : new ArrayList<>(portals.keySet())) {
      if (portals.get(portal).statement == p) {
        closePortal(portal);
      }
    }
    close(p.ps());
    memory.give(!name.isEmpty(), p.heldBytes());
  }

  /** Closes a portal; nothing when there is none. */
  void closePortal(String name) {
    Portal p = portals.remove(name);
    if (p != null) {
      p.closeRows();
      memory.give(!name.isEmpty(), p.heldBytes);
    }
  }

  static void close(PreparedStatement ps) {
    if (ps != null) {
      try {
        ps.close();
      } catch (SQLException e) {
        // closing: nothing to tell the client
      }
    }
  }
}
