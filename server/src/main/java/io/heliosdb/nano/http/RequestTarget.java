package io.heliosdb.nano.http;

import io.heliosdb.nano.error.SqlState;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A request's URL (path and query), checked once before anything reads it. Netty's {@link
 * QueryStringDecoder} decodes lazily: {@code path()} and {@code parameters()} throw on a bad
 * percent-escape when first called, and replace bytes that are not UTF-8 with U+FFFD without a
 * word. Checking the whole URL up front makes every later access safe and exact: since {@code /},
 * {@code ?}, {@code &} and {@code =} are ASCII, the whole decodes as UTF-8 exactly when each part
 * does.
 */
final class RequestTarget {
  private RequestTarget() {}

  /**
   * The decoder of {@code uri}, whose path and parameters decode without failure.
   *
   * @throws HttpError 400 with SQLSTATE 22023 for a {@code %} not followed by two hex digits, 22021
   *     when the percent-decoded bytes are not UTF-8
   */
  static QueryStringDecoder of(String uri) {
    ByteBuffer bytes = ByteBuffer.allocate(uri.length());
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '%') {
        int hi = i + 2 < uri.length() ? Character.digit(uri.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(uri.charAt(i + 2), 16);
        if (lo < 0) {
          String escape = uri.substring(i, Math.min(i + 3, uri.length()));
          throw new HttpError(
              HttpResponseStatus.BAD_REQUEST,
              "URL is not valid percent-encoding: \""
                  + escape
                  + "\" at index "
                  + i
                  + " (a % must be followed by two hex digits)",
              SqlState.INVALID_PARAMETER_VALUE.code());
        }
        bytes.put((byte) (hi << 4 | lo));
        i += 2;
      } else {
        bytes.put((byte) c); // the request line is read as ISO-8859-1: one char per byte
      }
    }
    bytes.flip();
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes);
    } catch (CharacterCodingException e) {
      throw new HttpError(
          HttpResponseStatus.BAD_REQUEST,
          "URL is not valid UTF-8 once percent-decoded (path segments and query parameters are"
              + " percent-encoded UTF-8)",
          SqlState.CHARACTER_NOT_IN_REPERTOIRE.code());
    }
    return new QueryStringDecoder(uri);
  }
}
