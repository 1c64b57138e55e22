package io.heliosdb.nano;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A JDBC connection to a HeliosDB database, reached with {@code
 * connection.unwrap(HeliosConnection.class)}. LISTEN, UNLISTEN and NOTIFY run as ordinary
 * statements; this interface adds what pgjdbc's {@code PGConnection} offers for them.
 */
public interface HeliosConnection extends Connection {

  /** The notifications queued for this connection, at once; an empty array when there are none. */
  Notification[] getNotifications() throws SQLException;

  /**
   * Like pgjdbc: returns at once with what is queued; otherwise waits up to {@code timeoutMillis}
   * for at least one notification (0 waits without limit) and returns all that are queued then.
   */
  Notification[] getNotifications(int timeoutMillis) throws SQLException;

  /** The process id this connection's notifications carry as their sender. */
  int getBackendPID();

  /**
   * {@code pg_notify(channel, payload)}: part of the open transaction, or its own in autocommit.
   */
  void notify(String channel, String payload) throws SQLException;

  /** The channels this connection listens to (what {@code pg_listening_channels()} returns). */
  List<String> listeningChannels() throws SQLException;
}
