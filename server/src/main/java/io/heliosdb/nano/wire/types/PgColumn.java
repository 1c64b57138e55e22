package io.heliosdb.nano.wire.types;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A result column as RowDescription describes it: its label, PostgreSQL type, and for a column read
 * from a table that table's OID ({@link TableOids}) and the column's number (attnum, 1-based); 0
 * and 0 for an expression. {@code scale} is a {@code NUMERIC(p,s)} column's s (-1 for none): SQLite
 * keeps no scale ({@code 5.00} is stored as 5), PostgreSQL prints a numeric(10,2) as {@code 5.00}.
 */
public record PgColumn(String name, PgType type, int tableOid, short attnum, int scale) {
  private static final Pattern SCALE =
      Pattern.compile("(?:NUMERIC|DECIMAL)\\s*\\(\\s*\\d+\\s*(?:,\\s*(\\d+)\\s*)?\\)");

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
    Matcher m = SCALE.matcher(declared.toUpperCase(java.util.Locale.ROOT));
    if (!m.find()) {
      return this;
    }
    int s = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
    return new PgColumn(name, type, tableOid, attnum, s);
  }

  /** A value in this column's text format ({@link PgType#encode}), with its scale if it has one. */
  public String encode(Object v) {
    if (scale >= 0 && (v instanceof Long || v instanceof Integer || v instanceof Double)) {
      double d = ((Number) v).doubleValue();
      if (!Double.isNaN(d) && !Double.isInfinite(d)) {
        BigDecimal exact =
            v instanceof Double
                ? new BigDecimal(Double.toString(d)) // the shortest decimal, as PgText prints it
                : BigDecimal.valueOf(((Number) v).longValue());
        return exact.setScale(scale, RoundingMode.HALF_UP).toPlainString();
      }
    }
    return type.encode(v);
  }
}
