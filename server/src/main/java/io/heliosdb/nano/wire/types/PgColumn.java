package io.heliosdb.nano.wire.types;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A result column as RowDescription describes it: its label, PostgreSQL type, and for a column read
 * from a table that table's OID ({@link TableOids}) and the column's number (attnum, 1-based); 0
 * and 0 for an expression. {@code scale} is a {@code NUMERIC(p,s)} column's s (-1 for none): SQLite
 * keeps no scale ({@code 5.00} is stored as 5), PostgreSQL prints a numeric(10,2) as {@code 5.00}.
 */
public record PgColumn(String name, PgType type, int tableOid, short attnum, int scale) {
  /** NUMERIC(p) or NUMERIC(p, s); PostgreSQL's largest scale is 1000, so four digits say all. */
  private static final Pattern SCALE =
      Pattern.compile("(?:NUMERIC|DECIMAL)\\s*\\(\\s*\\d+\\s*(?:,\\s*(\\d{1,4})\\s*)?\\)");

  private static final int MAX_SCALE = 1000;

  /** A column that comes from no table. */
  public PgColumn(String name, PgType type) {
    this(name, type, 0, (short) 0, -1);
  }

  /** A column of a table, without a scale. */
  public PgColumn(String name, PgType type, int tableOid, short attnum) {
    this(name, type, tableOid, attnum, -1);
  }

  /** This column with the scale of {@code declared} ({@code NUMERIC(10,2)}: 2), if it has one. */
  public PgColumn withScaleOf(String declared) {
    if (type != PgType.NUMERIC || declared == null) {
      return this;
    }
    Matcher m = SCALE.matcher(declared.toUpperCase(Locale.ROOT));
    if (!m.find()) {
      return this;
    }
    int s = m.group(1) == null ? 0 : Math.min(Integer.parseInt(m.group(1)), MAX_SCALE);
    return new PgColumn(name, type, tableOid, attnum, s);
  }

  /**
   * The value as PostgreSQL returns it from this column: a number of a NUMERIC(p,s) column with s
   * digits after the point ({@code 12.50}; SQLite keeps {@code 12.5}, a double, or {@code 3}); any
   * other value as it is. Both formats encode this.
   */
  public Object value(Object v) {
    if (scale < 0 || !(v instanceof Number n)) {
      return v;
    }
    if (n instanceof Double d && (d.isNaN() || d.isInfinite())) {
      return v;
    }
    // Double.toString's shortest decimal, as PgText prints a double
    BigDecimal exact = n instanceof Double d ? BigDecimal.valueOf(d) : new BigDecimal(n.toString());
    return exact.setScale(scale, RoundingMode.HALF_UP);
  }

  /** A value in this column's text format ({@link PgType#encode}), with its scale if it has one. */
  public String encode(Object v) {
    return type.encode(value(v));
  }
}
