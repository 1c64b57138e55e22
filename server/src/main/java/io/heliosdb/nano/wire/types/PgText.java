package io.heliosdb.nano.wire.types;

import java.math.BigDecimal;

/**
 * Values as PostgreSQL writes them in text format, and so as psql shows them: floats in the
 * shortest form that reads back exactly ({@code 12}, {@code 0.5}, {@code 1e+15}), blobs as bytea
 * hex ({@code \x0102}). Shared by the wire server and the {@code heliosdb sql} tables.
 */
public final class PgText {
  private PgText() {}

  /** The text of a value SQLite returned; null for SQL NULL. */
  public static String of(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Double d) {
      return float8(d);
    }
    if (v instanceof Float f) {
      return float8(Double.parseDouble(f.toString()));
    }
    if (v instanceof byte[] bytes) {
      return bytea(bytes);
    }
    if (v instanceof BigDecimal b) {
      return b.toPlainString(); // numeric never prints an exponent
    }
    return v.toString();
  }

  /**
   * PostgreSQL's float8 output (12 and later): shortest exact digits, plain notation for decimal
   * exponents from -4 to 14, otherwise {@code d.ddde+XX}.
   */
  public static String float8(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == 0) {
      return 1 / d < 0 ? "-0" : "0";
    }
    BigDecimal b = BigDecimal.valueOf(d).stripTrailingZeros();
    int exponent = b.precision() - b.scale() - 1;
    if (exponent >= -4 && exponent < 15) {
      return b.toPlainString();
    }
    String digits = b.unscaledValue().abs().toString();
    StringBuilder s = new StringBuilder(digits.length() + 8);
    if (d < 0) {
      s.append('-');
    }
    s.append(digits.charAt(0));
    if (digits.length() > 1) {
      s.append('.').append(digits, 1, digits.length());
    }
    s.append(exponent < 0 ? "e-" : "e+");
    int abs = Math.abs(exponent);
    if (abs < 10) {
      s.append('0');
    }
    return s.append(abs).toString();
  }

  /** bytea's hex format: {@code \x} and two lower-case hex digits per byte. */
  public static String bytea(byte[] bytes) {
    StringBuilder hex = new StringBuilder(2 + bytes.length * 2).append("\\x");
    for (byte b : bytes) {
      hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    return hex.toString();
  }
}
