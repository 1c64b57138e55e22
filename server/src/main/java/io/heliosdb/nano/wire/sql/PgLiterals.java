package io.heliosdb.nano.wire.sql;

import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * PostgreSQL string literals read by {@link PgCasts}: the value of {@code 'a''b'}, {@code E'a\\'b'}
 * and {@code $$a$$}, and a bytea literal ({@code '\\x0102'}, escape format) as SQLite's blob
 * literal {@code X'0102'}.
 */
final class PgLiterals {
  private PgLiterals() {}

  /** A bytea literal as a blob literal: hex format (\x0102) or escape format (ab\000). */
  static String blob(String value) throws HeliosSqlException {
    byte[] bytes;
    try {
      if (value.startsWith("\\x")) {
        bytes = HexFormat.of().parseHex(value.substring(2).replaceAll("\\s", ""));
      } else {
        bytes = escapeFormat(value);
      }
    } catch (IllegalArgumentException e) {
      throw new HeliosSqlException(
          SqlState.INVALID_TEXT_REPRESENTATION, "invalid input syntax for type bytea");
    }
    return "X'" + HexFormat.of().formatHex(bytes) + "'";
  }

  private static byte[] escapeFormat(String value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < utf8.length; i++) {
      if (utf8[i] != '\\') {
        out.write(utf8[i]);
      } else if (i + 1 < utf8.length && utf8[i + 1] == '\\') {
        out.write('\\');
        i++;
      } else if (i + 3 < utf8.length) {
        out.write(Integer.parseInt(new String(utf8, i + 1, 3, StandardCharsets.US_ASCII), 8));
        i += 3;
      } else {
        throw new IllegalArgumentException("bad escape");
      }
    }
    return out.toByteArray();
  }

  /** A string literal's value: 'a''b', E'a\'b' (simple escapes), $$a$$. */
  static String value(String text) {
    if (text.startsWith("$")) {
      int tag = text.indexOf('$', 1) + 1;
      return text.substring(tag, text.length() - tag);
    }
    if (text.startsWith("'")) {
      return text.substring(1, text.length() - 1).replace("''", "'");
    }
    if (text.length() < 3 || text.charAt(1) != '\'') {
      return text;
    }
    String inner = text.substring(2, text.length() - 1);
    StringBuilder b = new StringBuilder(inner.length());
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      if (c == '\\' && i + 1 < inner.length()) {
        char n = inner.charAt(++i);
        b.append(
            switch (n) {
              case 'n' -> '\n';
              case 't' -> '\t';
              case 'r' -> '\r';
              case 'b' -> '\b';
              case 'f' -> '\f';
              default -> n;
            });
      } else if (c == '\'' && i + 1 < inner.length() && inner.charAt(i + 1) == '\'') {
        b.append('\'');
        i++;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
