package io.heliosdb.nano.federation;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * NATS subjects of federated notifications, {@code <prefix>.<kind>.<origin>.<channel>}, and the
 * encoding that makes any node or channel name one valid subject token: letters, digits, {@code _}
 * and {@code -} stay, every other byte of the UTF-8 form becomes {@code %XX}. A NATS token may not
 * hold dots, wildcards or white space; this never fails, and decodes back exactly.
 */
final class Subjects {
  /** Non-durable federated channels: NATS core, at most once. */
  static final String LIVE = "n";

  /** Durable federated channels: the JetStream stream's subjects. */
  static final String DURABLE = "d";

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final String prefix;

  Subjects(String prefix) {
    this.prefix = prefix;
  }

  String subject(String kind, String origin, String channel) {
    return prefix + "." + kind + "." + encode(origin) + "." + encode(channel);
  }

  /** Every subject of {@code kind}, for a subscription or a stream. */
  String all(String kind) {
    return prefix + "." + kind + ".>";
  }

  static String encode(String name) {
    StringBuilder b = null;
    for (int i = 0; i < name.length(); i++) {
      if (!plain(name.charAt(i))) {
        b = new StringBuilder(name.length() + 16);
        break;
      }
    }
    if (b == null && !name.isEmpty()) {
      return name; // the usual case: nothing to escape
    }
    b = b == null ? new StringBuilder() : b;
    for (byte x : name.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (x & 0xff);
      if (c < 0x80 && plain(c)) {
        b.append(c);
      } else {
        b.append('%').append(HEX[(x >> 4) & 0xf]).append(HEX[x & 0xf]);
      }
    }
    return b.length() == 0 ? "%" : b.toString(); // "%" alone: the empty name, never produced
  }

  /** The name {@link #encode} made {@code token} from; null when it is not such a token. */
  static String decode(String token) {
    if (token.isEmpty() || token.equals("%")) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(token.length());
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c == '%') {
        if (i + 2 >= token.length()) {
          return null;
        }
        int hi = Character.digit(token.charAt(i + 1), 16);
        int lo = Character.digit(token.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else if (c < 0x80 && plain(c)) {
        out.write(c);
      } else {
        return null;
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(out.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static boolean plain(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '-';
  }
}
