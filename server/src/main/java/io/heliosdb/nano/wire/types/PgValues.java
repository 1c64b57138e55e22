package io.heliosdb.nano.wire.types;

import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * Values of the extended protocol: Bind's parameters (text or binary, read by their declared type
 * OID) to the Java values SQLite binds, and result values to binary format. Text-format results
 * stay with {@link PgType#encode}.
 */
public final class PgValues {
  private PgValues() {}

  public static final int OID_UNSPECIFIED = 0;
  static final int OID_BOOL = 16;
  static final int OID_BYTEA = 17;
  static final int OID_INT8 = 20;
  static final int OID_INT2 = 21;
  static final int OID_INT4 = 23;
  public static final int OID_TEXT = 25;
  static final int OID_FLOAT4 = 700;
  static final int OID_FLOAT8 = 701;
  static final int OID_NUMERIC = 1700;
  static final int OID_NAME = 19;
  static final int OID_JSON = 114;
  static final int OID_BPCHAR = 1042;
  static final int OID_VARCHAR = 1043;
  static final int OID_DATE = 1082;
  static final int OID_TIMESTAMP = 1114;
  static final int OID_UUID = 2950;
  static final int OID_JSONB = 3802;

  private static final Set<String> TRUE = Set.of("t", "true", "y", "yes", "on", "1");
  private static final Set<String> FALSE = Set.of("f", "false", "n", "no", "off", "0");

  /**
   * Result types with a binary encoding here (json's is its text, as in PostgreSQL); a binary
   * request for another (jsonb) is refused.
   */
  private static final Set<PgType> BINARY =
      Set.of(
          PgType.INT8,
          PgType.INT4,
          PgType.NUMERIC,
          PgType.FLOAT8,
          PgType.BOOL,
          PgType.BYTEA,
          PgType.TEXT,
          PgType.VARCHAR,
          PgType.BPCHAR,
          PgType.JSON,
          PgType.DATE,
          PgType.TIMESTAMP,
          PgType.UUID);

  /** PostgreSQL's epoch for date and timestamp: 2000-01-01. */
  private static final LocalDate EPOCH = LocalDate.of(2000, 1, 1);

  public static boolean hasBinary(PgType type) {
    return BINARY.contains(type);
  }

  /**
   * A Bind parameter as the value to bind: integers as Long, floats as Double, bool as 1/0, bytea
   * as bytes, anything else (and an unspecified type) as String for SQLite's affinity to convert.
   */
  public static Object parameter(int oid, boolean binary, byte[] bytes) throws SQLException {
    if (bytes == null) {
      return null;
    }
    return binary ? binaryParameter(oid, bytes) : textParameter(oid, text(bytes));
  }

  private static Object textParameter(int oid, String s) throws SQLException {
    try {
      return switch (oid) {
        case OID_INT2, OID_INT4, OID_INT8 -> integer(oid, s);
        case OID_FLOAT4, OID_FLOAT8 -> Double.parseDouble(s.strip());
        case OID_NUMERIC -> numeric(s.strip());
        case OID_BOOL -> bool(s);
        case OID_BYTEA -> bytea(s);
        default -> s;
      };
    } catch (IllegalArgumentException e) {
      throw new HeliosSqlException(
          SqlState.INVALID_TEXT_REPRESENTATION,
          "invalid input syntax for type " + typeName(oid) + ": \"" + s + "\"");
    }
  }

  /**
   * An integer parameter in text: PostgreSQL's input (spaces around, a sign); out of the type's
   * range 22003 as in PostgreSQL.
   */
  private static long integer(int oid, String s) throws SQLException {
    String v = s.strip();
    if (v.isEmpty() || !v.matches("[+-]?[0-9]+")) {
      throw new NumberFormatException(s);
    }
    long min = oid == OID_INT2 ? Short.MIN_VALUE : oid == OID_INT4 ? Integer.MIN_VALUE : 0;
    long max = oid == OID_INT2 ? Short.MAX_VALUE : oid == OID_INT4 ? Integer.MAX_VALUE : 0;
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw outOfRange(oid, s);
    }
    if (max != 0 && (n < min || n > max)) {
      throw outOfRange(oid, s);
    }
    return n;
  }

  private static HeliosSqlException outOfRange(int oid, String s) {
    return new HeliosSqlException(
        SqlState.NUMERIC_VALUE_OUT_OF_RANGE,
        "value \"" + s + "\" is out of range for type " + typeName(oid));
  }

  private static Object binaryParameter(int oid, byte[] b) throws SQLException {
    ByteBuffer buf = ByteBuffer.wrap(b);
    int expected =
        switch (oid) {
          case OID_INT2 -> 2;
          case OID_INT4, OID_FLOAT4 -> 4;
          case OID_INT8, OID_FLOAT8 -> 8;
          case OID_BOOL -> 1;
          case OID_DATE -> 4;
          case OID_TIMESTAMP -> 8;
          case OID_UUID -> 16;
          default -> b.length;
        };
    if (b.length != expected) {
      throw new HeliosSqlException(
          SqlState.INVALID_BINARY_REPRESENTATION,
          "incorrect binary data format in bind parameter of type " + typeName(oid));
    }
    return switch (oid) {
      case OID_INT2 -> (long) buf.getShort();
      case OID_INT4 -> (long) buf.getInt();
      case OID_INT8 -> buf.getLong();
      case OID_FLOAT4 -> Double.parseDouble(Float.toString(buf.getFloat()));
      case OID_FLOAT8 -> buf.getDouble();
      case OID_BOOL -> b[0] != 0 ? 1L : 0L;
      case OID_BYTEA -> b;
      case OID_UNSPECIFIED, OID_TEXT, OID_BPCHAR, OID_VARCHAR, OID_NAME, OID_JSON -> text(b);
      case OID_JSONB -> jsonb(b);
      case OID_NUMERIC -> binaryNumeric(buf);
      case OID_DATE -> EPOCH.plusDays(buf.getInt()).toString();
      case OID_TIMESTAMP -> timestamp(buf.getLong());
      case OID_UUID -> new java.util.UUID(buf.getLong(), buf.getLong()).toString();
      default ->
          throw new HeliosSqlException(
              SqlState.FEATURE_NOT_SUPPORTED,
              "binary format is not supported for parameters of type oid " + oid);
    };
  }

  /** jsonb in binary: a version byte (1), then the text. */
  private static String jsonb(byte[] b) throws SQLException {
    if (b.length == 0 || b[0] != 1) {
      throw new HeliosSqlException(
          SqlState.INVALID_BINARY_REPRESENTATION, "unsupported jsonb version number");
    }
    return new String(b, 1, b.length - 1, StandardCharsets.UTF_8);
  }

  /** numeric in binary (see {@link #numeric(Object)}): an integer as Long, else a Double. */
  private static Object binaryNumeric(ByteBuffer buf) throws SQLException {
    if (buf.remaining() < 8) {
      throw new HeliosSqlException(
          SqlState.INVALID_BINARY_REPRESENTATION,
          "incorrect binary data format in bind parameter of type numeric");
    }
    int ndigits = buf.getShort();
    int weight = buf.getShort();
    int sign = buf.getShort() & 0xFFFF;
    buf.getShort(); // display scale
    if (sign == 0xC000) {
      return Double.NaN;
    }
    if (ndigits < 0 || buf.remaining() != 2 * ndigits) {
      throw new HeliosSqlException(
          SqlState.INVALID_BINARY_REPRESENTATION,
          "incorrect binary data format in bind parameter of type numeric");
    }
    if (sign != 0 && sign != 0x4000) {
      throw new HeliosSqlException(
          SqlState.INVALID_BINARY_REPRESENTATION, "invalid sign in external \"numeric\" value");
    }
    BigDecimal d = BigDecimal.ZERO;
    for (int i = 0; i < ndigits; i++) {
      short digit = buf.getShort();
      if (digit < 0 || digit > 9999) {
        // PostgreSQL's check: each digit is base 10000.
        throw new HeliosSqlException(
            SqlState.INVALID_BINARY_REPRESENTATION, "invalid digit in external \"numeric\" value");
      }
      d = d.add(BigDecimal.valueOf(digit).scaleByPowerOfTen(4 * (weight - i)));
    }
    return numeric((sign == 0x4000 ? d.negate() : d).toPlainString());
  }

  /** timestamp in binary: microseconds since 2000-01-01, as SQLite's text form. */
  private static String timestamp(long micros) {
    LocalDateTime ts = EPOCH.atStartOfDay().plus(micros, ChronoUnit.MICROS);
    String s = ts.format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
    if (ts.getNano() != 0) {
      s += "." + String.format("%06d", ts.getNano() / 1000).replaceAll("0+$", "");
    }
    return s;
  }

  /** A result value in binary format; null for NULL. */
  public static byte[] binary(PgType type, Object v) throws SQLException {
    if (v == null) {
      return null;
    }
    try {
      return switch (type) {
        case INT8 -> ByteBuffer.allocate(8).putLong(longValue(v)).array();
        case INT4 -> ByteBuffer.allocate(4).putInt(Math.toIntExact(longValue(v))).array();
        case FLOAT8 -> ByteBuffer.allocate(8).putDouble(doubleValue(v)).array();
        case BOOL -> new byte[] {(byte) (isTrue(v) ? 1 : 0)};
        case BYTEA -> v instanceof byte[] b ? b : PgText.of(v).getBytes(StandardCharsets.UTF_8);
        case DATE -> ByteBuffer.allocate(4).putInt((int) daysSinceEpoch(PgText.of(v))).array();
        case TIMESTAMP -> ByteBuffer.allocate(8).putLong(microsSinceEpoch(PgText.of(v))).array();
        case UUID -> uuid(v);
        case NUMERIC -> numeric(v);
        default -> type.encode(v).getBytes(StandardCharsets.UTF_8);
      };
    } catch (ArithmeticException e) {
      throw new HeliosSqlException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "integer out of range");
    } catch (IllegalArgumentException | DateTimeException e) {
      throw new HeliosSqlException(
          SqlState.INVALID_TEXT_REPRESENTATION,
          "cannot send value \"" + PgText.of(v) + "\" as binary " + type.name().toLowerCase());
    }
  }

  /** date: int32 days since 2000-01-01, from SQLite's {@code YYYY-MM-DD} (time part ignored). */
  private static long daysSinceEpoch(String s) {
    String d = s.strip();
    return ChronoUnit.DAYS.between(
        EPOCH, LocalDate.parse(d.length() > 10 ? d.substring(0, 10) : d));
  }

  /**
   * timestamp: int64 microseconds since 2000-01-01 00:00, from SQLite's {@code YYYY-MM-DD
   * HH:MM[:SS[.fff]]} (a {@code T} separator and a date alone read as well).
   */
  private static long microsSinceEpoch(String s) {
    String t = s.strip().replace(' ', 'T');
    LocalDateTime ts =
        t.length() == 10 ? LocalDate.parse(t).atStartOfDay() : LocalDateTime.parse(t);
    return ChronoUnit.MICROS.between(EPOCH.atStartOfDay(), ts);
  }

  /**
   * numeric: int16 ndigits, int16 weight (of the first base-10000 digit), int16 sign (0x0000,
   * 0x4000 negative, 0xC000 NaN), int16 display scale, then the base-10000 digits. A REAL value
   * goes as its shortest exact decimal ({@link PgText#float8}), as in text format.
   */
  private static byte[] numeric(Object v) {
    if (v instanceof Double d && d.isNaN()) {
      return ByteBuffer.allocate(8)
          .putShort((short) 0)
          .putShort((short) 0)
          .putShort((short) 0xC000)
          .putShort((short) 0)
          .array();
    }
    BigDecimal d =
        v instanceof Long l ? BigDecimal.valueOf(l) : new BigDecimal(PgText.of(v).strip());
    short sign = (short) (d.signum() < 0 ? 0x4000 : 0);
    d = d.abs();
    int dscale = Math.max(d.scale(), 0);
    String plain = d.toPlainString();
    int dot = plain.indexOf('.');
    String whole = dot < 0 ? plain : plain.substring(0, dot);
    String fraction = dot < 0 ? "" : plain.substring(dot + 1);
    whole = "0".repeat((4 - whole.length() % 4) % 4) + whole;
    fraction = fraction + "0".repeat((4 - fraction.length() % 4) % 4);
    String all = whole + fraction;
    int groups = all.length() / 4;
    int weight = whole.length() / 4 - 1;
    int first = 0;
    while (first < groups && all.startsWith("0000", first * 4)) {
      first++;
    }
    int last = groups;
    while (last > first && all.startsWith("0000", (last - 1) * 4)) {
      last--;
    }
    int ndigits = last - first;
    ByteBuffer b = ByteBuffer.allocate(8 + 2 * ndigits);
    b.putShort((short) ndigits).putShort((short) (ndigits == 0 ? 0 : weight - first));
    b.putShort(sign).putShort((short) dscale);
    for (int i = first; i < last; i++) {
      b.putShort(Short.parseShort(all.substring(i * 4, i * 4 + 4)));
    }
    return b.array();
  }

  /** uuid: 16 bytes, from a 16-byte blob or the text form. */
  private static byte[] uuid(Object v) {
    if (v instanceof byte[] b && b.length == 16) {
      return b;
    }
    java.util.UUID u = java.util.UUID.fromString(PgText.of(v).strip());
    return ByteBuffer.allocate(16)
        .putLong(u.getMostSignificantBits())
        .putLong(u.getLeastSignificantBits())
        .array();
  }

  private static long longValue(Object v) {
    if (v instanceof Number n) {
      return n instanceof Double || n instanceof Float
          ? Math.round(n.doubleValue())
          : n.longValue();
    }
    return Long.parseLong(PgText.of(v).strip());
  }

  private static double doubleValue(Object v) {
    return v instanceof Number n ? n.doubleValue() : Double.parseDouble(PgText.of(v).strip());
  }

  private static boolean isTrue(Object v) {
    return v instanceof Number n ? n.doubleValue() != 0 : bool(PgText.of(v)) == 1L;
  }

  private static Object numeric(String s) {
    BigDecimal d = new BigDecimal(s);
    try {
      return d.longValueExact();
    } catch (ArithmeticException e) {
      return d.doubleValue();
    }
  }

  /**
   * boolean input as PostgreSQL reads it: {@code t/true, y/yes, on, 1} and {@code f/false, n/no,
   * off, 0}, any case, around spaces, and any unique prefix of the words ({@code tr}, {@code of}).
   */
  private static long bool(String s) {
    String b = s.strip().toLowerCase(Locale.ROOT);
    if (TRUE.contains(b)) {
      return 1L;
    }
    if (FALSE.contains(b)) {
      return 0L;
    }
    if (!b.isEmpty() && ("true".startsWith(b) || "yes".startsWith(b))
        || b.length() >= 2 && "on".startsWith(b)) {
      return 1L;
    }
    if (!b.isEmpty() && ("false".startsWith(b) || "no".startsWith(b))
        || b.length() >= 2 && "off".startsWith(b)) {
      return 0L;
    }
    throw new IllegalArgumentException(s);
  }

  /** bytea's hex input format ({@code \x0102}); other text is taken as its UTF-8 bytes. */
  private static byte[] bytea(String s) {
    if (s.startsWith("\\x")) {
      return HexFormat.of().parseHex(s.substring(2));
    }
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static String typeName(int oid) {
    return switch (oid) {
      case OID_INT2 -> "smallint";
      case OID_INT4 -> "integer";
      case OID_INT8 -> "bigint";
      case OID_FLOAT4 -> "real";
      case OID_FLOAT8 -> "double precision";
      case OID_NUMERIC -> "numeric";
      case OID_BOOL -> "boolean";
      case OID_BYTEA -> "bytea";
      case OID_DATE -> "date";
      case OID_TIMESTAMP -> "timestamp without time zone";
      case OID_UUID -> "uuid";
      case OID_JSONB -> "jsonb";
      default -> "oid " + oid;
    };
  }
}
