package io.heliosdb.nano.session;

import java.sql.SQLException;

/**
 * What a front end with many sessions (the wire server) decides about a lazy session's SQLite
 * connection ({@link Session#openLazily}): whether it may open now, and that it closed. A refusal
 * leaves the session usable for what needs no connection (LISTEN, UNLISTEN, NOTIFY).
 */
public interface ConnectionGate {
  /** Called before the connection opens; throws (e.g. 53300) to refuse. */
  void opening() throws SQLException;

  /** The connection closed, or failed to open after {@link #opening()}. */
  void closed();
}
