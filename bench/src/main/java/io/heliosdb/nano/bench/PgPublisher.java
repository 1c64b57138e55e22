package io.heliosdb.nano.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * pgjdbc, autocommit, simple query protocol: one {@code NOTIFY ch, '<payload>'} statement per
 * notification (DESIGN.md section 8). Payloads are ASCII without quotes.
 */
final class PgPublisher implements WirePublisher {
  private final Connection connection;
  private final Statement statement;

  PgPublisher(String host, int port) throws Exception {
    connection =
        DriverManager.getConnection(
            "jdbc:postgresql://"
                + host
                + ":"
                + port
                + "/postgres?user=postgres&preferQueryMode=simple");
    statement = connection.createStatement();
  }

  @Override
  public void send(String channel, String payload) throws Exception {
    statement.execute("NOTIFY " + channel + ", '" + payload + "'");
  }

  @Override
  public void close() throws Exception {
    statement.close();
    connection.close();
  }
}
