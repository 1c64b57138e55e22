package io.heliosdb.nano.session;

import io.heliosdb.nano.engine.ConsumerTables;
import io.heliosdb.nano.engine.DurableLog;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Moves a notification a consumer gave up on to the consumer's dead-letter channel, in the {@link
 * ConsumerStore}'s write transaction: a durable notification carrying the original and the error,
 * and the claim taken off the consumer.
 */
final class DeadLetters {
  private static final String STATE = ConsumerTables.STATE;
  private static final String CLAIMS = ConsumerTables.CLAIMS;
  private static final String LOG = DurableLog.TABLE;

  /** Moves a consumer's position past what it no longer holds. */
  interface Advance {
    void accept(String consumer) throws SQLException;
  }

  private final Connection conn;
  private final int maxPayloadBytes;
  private final Advance advance;

  DeadLetters(Connection conn, int maxPayloadBytes, Advance advance) {
    this.conn = conn;
    this.maxPayloadBytes = maxPayloadBytes;
    this.advance = advance;
  }

  /**
   * Sends notification {@code id} to the consumer's dead-letter channel, as a JSON object with the
   * error, and takes it off the consumer: the position moves past it.
   */
  void send(String consumer, long id, int attempts, String error) throws SQLException {
    String channel = null;
    String payload = "";
    try (PreparedStatement ps =
        conn.prepareStatement("SELECT channel, payload FROM " + LOG + " WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          channel = rs.getString(1);
          payload = rs.getString(2);
        }
      }
    }
    String deadLetters;
    try (PreparedStatement ps =
        conn.prepareStatement(
            "UPDATE "
                + STATE
                + " SET dead_lettered = dead_lettered + 1 WHERE name = ? RETURNING"
                + " dead_letter_channel")) {
      ps.setString(1, consumer);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        deadLetters = rs.getString(1);
      }
    }
    try (PreparedStatement ps = conn.prepareStatement("SELECT pg_notify(?, ?)")) {
      ps.setString(1, deadLetters);
      ps.setString(2, payload(consumer, id, channel, payload, attempts, error));
      ps.executeQuery().close();
    }
    try (PreparedStatement ps =
        conn.prepareStatement("DELETE FROM " + CLAIMS + " WHERE consumer = ? AND id = ?")) {
      ps.setString(1, consumer);
      ps.setLong(2, id);
      ps.executeUpdate();
    }
    advance.accept(consumer);
  }

  /**
   * {@code {"consumer", "id", "channel", "payload", "attempts", "error"}}, cut to fit under
   * max_payload_bytes: the error first, then the payload (then {@code "truncated": true}).
   */
  String payload(
      String consumer, long id, String channel, String payload, int attempts, String error) {
    String e = error == null ? "" : error;
    String p = payload;
    boolean truncated = false;
    while (true) {
      StringBuilder b = new StringBuilder("{\"consumer\":");
      Json.appendQuoted(b, consumer);
      b.append(",\"id\":").append(id).append(",\"channel\":");
      if (channel == null) {
        b.append("null");
      } else {
        Json.appendQuoted(b, channel);
      }
      b.append(",\"payload\":");
      Json.appendQuoted(b, p);
      b.append(",\"attempts\":").append(attempts).append(",\"error\":");
      Json.appendQuoted(b, e);
      if (truncated) {
        b.append(",\"truncated\":true");
      }
      b.append('}');
      String json = b.toString();
      int over = json.getBytes(StandardCharsets.UTF_8).length - (maxPayloadBytes - 1);
      if (over <= 0) {
        return json;
      }
      truncated = true;
      if (e.length() > 200) {
        e = e.substring(0, Math.max(200, e.length() - over - 16));
      } else if (!p.isEmpty()) {
        p = p.substring(0, Math.max(0, p.length() - over - 16));
      } else {
        e = e.substring(0, Math.max(0, e.length() - over - 16));
      }
    }
  }
}
