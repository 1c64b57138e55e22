package io.heliosdb.nano.wire.types;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A result column as RowDescription describes it: its label, PostgreSQL type, and for a column read
 * from a table that table's OID ({@link TableOids}) and the column's number (attnum, 1-based); 0
 * and 0 for an expression. {@code scale} is a NUMERIC(p,s) column's s, -1 otherwise.
 */
public record PgColumn(String name, PgType type, int tableOid, short attnum, int scale) {
  private static final Pattern NUMERIC_SCALE =
      Pattern.compile("\\s*(?:NUMERIC|DECIMAL)\\s*\\(\\s*\\d+\\s*,\\s*(\\d+)\\s*\\)\\s*");

  /** A column that comes from no table. */
  public PgColumn(String name, PgType type) {
    this(name, type, 0, (short) 0, -1);
  }

  /** A table's column of the declared type {@code declared} (its scale read from it). */
  public static PgColumn ofTable(
      String name, PgType type, int tableOid, short attnum, String declared) {
    Matcher m = NUMERIC_SCALE.matcher(declared.toUpperCase(Locale.ROOT));
    int scale = type == PgType.NUMERIC && m.matches() ? Integer.parseInt(m.group(1)) : -1;
    return new PgColumn(name, type, tableOid, attnum, Math.min(scale, 1000));
  }

  /**
   * The value as PostgreSQL returns it from this column: a number of a NUMERIC(p,s) column with s
   * digits after the point ({@code 12.50}; SQLite keeps {@code 12.5}, a double, or {@code 3}); any
   * other value as it is.
   */
  public Object value(Object v) {
    if (scale < 0 || !(v instanceof Number n)) {
      return v;
    }
    if (n instanceof Double d && (d.isNaN() || d.isInfinite())) {
      return v;
    }
    BigDecimal exact = n instanceof Double d ? BigDecimal.valueOf(d) : new BigDecimal(n.toString());
    return exact.setScale(scale, RoundingMode.HALF_UP);
  }
}
