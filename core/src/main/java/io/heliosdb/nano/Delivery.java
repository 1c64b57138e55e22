package io.heliosdb.nano;

import java.sql.SQLException;

/**
 * One notification handed to a durable consumer's handler, with the transaction it is handled in.
 * The id is the notification's id in the durable log: the key to deduplicate work done outside the
 * database, which may be repeated (a handler that fails after calling out is called again).
 */
public final class Delivery {
  private final String consumer;
  private final long id;
  private final String channel;
  private final String payload;
  private final int senderPid;
  private final int attempt;
  private final HeliosConnection connection;

  Delivery(
      String consumer,
      long id,
      String channel,
      String payload,
      int senderPid,
      int attempt,
      HeliosConnection connection) {
    this.consumer = consumer;
    this.id = id;
    this.channel = channel;
    this.payload = payload;
    this.senderPid = senderPid;
    this.attempt = attempt;
    this.connection = connection;
  }

  /** The consumer this notification is handled for. */
  public String consumer() {
    return consumer;
  }

  /**
   * The notification's id in the durable log; unique in the database, increasing in commit order.
   */
  public long id() {
    return id;
  }

  public String channel() {
    return channel;
  }

  public String payload() {
    return payload;
  }

  /** The process id of the connection that sent it. */
  public int senderPid() {
    return senderPid;
  }

  /** 1 for the first attempt; more when earlier ones failed or their worker died. */
  public int attempt() {
    return attempt;
  }

  /**
   * The connection of the transaction that will acknowledge this notification: the handler's SQL
   * runs here and commits with the acknowledgement. Do not commit, roll back or close it.
   */
  public HeliosConnection connection() {
    return connection;
  }

  /** Sends a notification in the same transaction: delivered only if the handler succeeds. */
  public void notify(String channel, String payload) throws SQLException {
    connection.notify(channel, payload);
  }

  @Override
  public String toString() {
    return "Delivery[consumer="
        + consumer
        + ", id="
        + id
        + ", channel="
        + channel
        + ", attempt="
        + attempt
        + "]";
  }
}
