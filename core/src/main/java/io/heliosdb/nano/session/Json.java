package io.heliosdb.nano.session;

/** JSON text for the few values HeliosDB writes itself (channel lists, notification lines). */
public final class Json {
  private Json() {}

  /** A JSON string literal of {@code s} (RFC 8259 escapes). */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2);
    appendQuoted(b, s);
    return b.toString();
  }

  static void appendQuoted(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
