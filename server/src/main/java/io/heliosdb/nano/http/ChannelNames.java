package io.heliosdb.nano.http;

import io.heliosdb.nano.error.SqlState;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Channel names from URLs: percent-decoded as UTF-8, then held to what LISTEN takes, a name of 1 to
 * 63 bytes; control characters, which no event-stream line can carry, are refused too.
 */
final class ChannelNames {
  /** PostgreSQL's NAMEDATALEN - 1. */
  static final int MAX_BYTES = 63;

  private ChannelNames() {}

  /** A path segment, percent-decoded and checked. */
  static String decode(String segment) {
    String name;
    try {
      name = QueryStringDecoder.decodeComponent(segment.replace("+", "%2B"));
    } catch (IllegalArgumentException e) {
      throw bad("channel name is not valid percent-encoding: " + segment);
    }
    check(name);
    return name;
  }

  /**
   * @throws HttpError 400 (SQLSTATE 22023) for an empty name, one over 63 bytes, or one with a
   *     control character; 22021 for one with a lone surrogate (from a JSON escape), which is not
   *     UTF-8
   */
  static void check(String name) {
    if (name.isEmpty()) {
      throw bad("channel name is empty");
    }
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      throw bad("channel name is " + bytes + " bytes long: at most " + MAX_BYTES + " are allowed");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        throw bad(
            "channel name contains a control character (U+" + String.format("%04X", (int) c) + ")");
      }
      if (Character.isSurrogate(c)
          && !(Character.isHighSurrogate(c)
              && i + 1 < name.length()
              && Character.isLowSurrogate(name.charAt(++i)))) {
        throw new HttpError(
            HttpResponseStatus.BAD_REQUEST,
            "channel name is not valid UTF-8 (a lone surrogate)",
            SqlState.CHARACTER_NOT_IN_REPERTOIRE.code());
      }
    }
  }

  private static HttpError bad(String message) {
    return new HttpError(
        HttpResponseStatus.BAD_REQUEST, message, SqlState.INVALID_PARAMETER_VALUE.code());
  }
}
