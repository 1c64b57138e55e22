package io.heliosdb.nano.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.heliosdb.nano.Notification;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON messages of {@code /ws}, one per text frame. A client sends
 *
 * <pre>
 * {"op":"subscribe",   "channels":["a","b"], "from_id":41, "ref":1}   from_id: resume (durable)
 * {"op":"unsubscribe", "channels":["a"], "ref":2}                     no channels: all of them
 * {"op":"notify",      "channel":"a", "payload":"text", "ref":3}      payload: a string, or any
 *                                                                     JSON value, sent as its text
 * </pre>
 *
 * and receives {@code subscribed}, {@code unsubscribed}, {@code notified} (with the request's
 * {@code ref}) once each is in effect, {@code error} ({@code error}, {@code sqlstate}, {@code ref})
 * when one fails, and, in commit order, {@code notification} ({@code channel}, {@code payload},
 * {@code id} on durable channels), {@code overflow} ({@code dropped}) and {@code reset} ({@code
 * continues_after}).
 */
final class WsMessages {
  /** SQLSTATE invalid_text_representation: what PostgreSQL reports for malformed json input. */
  static final String MALFORMED = "22P02";

  private WsMessages() {}

  /** A client's request; {@code ref} is echoed as given (any JSON value), null when absent. */
  record Request(
      String op,
      List<String> channels,
      long fromId,
      String channel,
      String payload,
      JsonNode ref) {}

  /**
   * @throws HttpError 22P02 for text that is not JSON, 22023 for JSON that is not a request
   */
  static Request parse(String text) {
    JsonNode root;
    try {
      root = Responses.JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw bad(MALFORMED, "malformed JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw bad("22023", "a message must be a JSON object such as {\"op\":\"subscribe\",...}");
    }
    JsonNode ref = root.get("ref");
    JsonNode op = root.get("op");
    if (op == null || !op.isTextual()) {
      throw bad("22023", "a message needs \"op\": subscribe, unsubscribe or notify").ref(ref);
    }
    try {
      return switch (op.asText()) {
        case "subscribe" ->
            new Request("subscribe", channels(root, true), fromId(root), null, null, ref);
        case "unsubscribe" ->
            new Request("unsubscribe", channels(root, false), -1, null, null, ref);
        case "notify" ->
            new Request("notify", List.of(), -1, channel(root), payload(root.get("payload")), ref);
        default ->
            throw bad(
                "22023",
                "unknown op \"" + op.asText() + "\": use subscribe, unsubscribe or notify");
      };
    } catch (HttpError e) {
      throw e.ref(ref);
    }
  }

  private static List<String> channels(JsonNode root, boolean required) {
    JsonNode given = root.get("channels");
    if (given == null && !required) {
      return List.of(); // unsubscribe from all
    }
    if (given == null || !given.isArray() || given.isEmpty()) {
      throw bad("22023", "\"channels\" must be a non-empty array of channel names");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode c : given) {
      if (!c.isTextual()) {
        throw bad("22023", "\"channels\" must hold strings, not " + c.getNodeType());
      }
      ChannelNames.check(c.asText());
      if (!names.contains(c.asText())) {
        names.add(c.asText());
      }
    }
    return names;
  }

  private static String channel(JsonNode root) {
    JsonNode c = root.get("channel");
    if (c == null || !c.isTextual()) {
      throw bad("22023", "notify needs \"channel\": a channel name");
    }
    ChannelNames.check(c.asText());
    return c.asText();
  }

  private static long fromId(JsonNode root) {
    JsonNode id = root.get("from_id");
    if (id == null || id.isNull()) {
      return -1;
    }
    if (!id.isIntegralNumber() || !id.canConvertToLong() || id.asLong() < 0) {
      throw bad("22023", "\"from_id\" must be a notification id, 0 or more: " + id);
    }
    return id.asLong();
  }

  /** A string as it is; another JSON value as its text; none is the empty payload. */
  private static String payload(JsonNode p) {
    if (p == null || p.isNull()) {
      return "";
    }
    String text = p.isTextual() ? p.asText() : p.toString();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)
          && !(Character.isHighSurrogate(c)
              && i + 1 < text.length()
              && Character.isLowSurrogate(text.charAt(++i)))) {
        throw bad("22021", "payload holds a lone surrogate (\\u" + Integer.toHexString(c) + ")");
      }
    }
    return text;
  }

  private static HttpError bad(String sqlState, String message) {
    return new HttpError(HttpResponseStatus.BAD_REQUEST, message, sqlState);
  }

  /** {@code notification}, {@code overflow} or {@code reset}, as JSON into {@code out}. */
  static void notification(ByteBuf out, Notification n) {
    try (JsonGenerator g =
        Responses.JSON
            .getFactory()
            .createGenerator((java.io.OutputStream) new ByteBufOutputStream(out))) {
      g.writeStartObject();
      if (n.isOverflow()) {
        g.writeStringField("op", "overflow");
        g.writeNumberField("dropped", n.droppedCount());
      } else if (n.isReset()) {
        g.writeStringField("op", "reset");
        g.writeNumberField("continues_after", n.id());
      } else {
        g.writeStringField("op", "notification");
        g.writeStringField("channel", n.channel());
        g.writeStringField("payload", n.payload());
        if (n.id() > 0) {
          g.writeNumberField("id", n.id());
        }
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The answer to a request that took effect: {@code op} with {@code fields} and its ref. */
  static TextWebSocketFrame reply(String op, Map<String, Object> fields, JsonNode ref) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("op", op);
    m.putAll(fields);
    if (ref != null) {
      m.put("ref", ref);
    }
    return new TextWebSocketFrame(Responses.json(m));
  }

  /** {@code {"op":"error","error":...,"sqlstate":...,"ref":...}}. */
  static TextWebSocketFrame error(HttpError e) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("error", e.getMessage());
    fields.put("sqlstate", e.sqlState() == null ? "XX000" : e.sqlState());
    return reply("error", fields, e.ref());
  }
}
