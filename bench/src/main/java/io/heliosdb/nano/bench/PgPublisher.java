package io.heliosdb.nano.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * pgjdbc, autocommit: one {@code NOTIFY ch, '<payload>'} statement per notification (DESIGN.md
 * section 8). Payloads are ASCII without quotes. pgjdbc's default mode, the extended protocol, is
 * the path applications take and the headline; {@code -Dheliosdb.bench.queryMode=simple} runs the
 * simple query protocol ({@code preferQueryMode=simple}) for the second row.
 */
final class PgPublisher implements WirePublisher {
  private static final boolean SIMPLE =
      "simple".equals(System.getProperty("heliosdb.bench.queryMode", "extended"));

  private final Connection connection;
  private final Statement statement;

  PgPublisher(String host, int port) throws Exception {
    connection =
        DriverManager.getConnection(
            "jdbc:postgresql://"
                + host
                + ":"
                + port
                + "/postgres?user=postgres"
                + (SIMPLE ? "&preferQueryMode=simple" : ""));
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
