package io.heliosdb.nano.wire.types;

import java.util.Locale;
import java.util.Set;

/**
 * The PostgreSQL types a result column is reported as, with their text encoding. SQLite types each
 * value rather than each column, so the type comes from the column's declared type where there is
 * one, read with SQLite's affinity rules, and otherwise from the value in the first row.
 */
public enum PgType {
  BOOL(16, 1),
  BYTEA(17, -1),
  NAME(19, 64),
  INT8(20, 8),
  INT4(23, 4),
  TEXT(25, -1),
  JSON(114, -1),
  FLOAT8(701, 8),
  BPCHAR(1042, -1),
  VARCHAR(1043, -1),
  DATE(1082, 4),
  TIMESTAMP(1114, 8),
  NUMERIC(1700, -1),
  UUID(2950, 16),
  JSONB(3802, -1);

  private static final Set<String> TRUE = Set.of("t", "true", "y", "yes", "on", "1");
  private static final Set<String> FALSE = Set.of("f", "false", "n", "no", "off", "0");

  private final int oid;
  private final int size;

  PgType(int oid, int size) {
    this.oid = oid;
    this.size = size;
  }

  /** The type's OID in pg_type. */
  public int oid() {
    return oid;
  }

  /** pg_type.typlen: the size in bytes, -1 for variable length. */
  public int size() {
    return size;
  }

  /**
   * The type of a result column from its declared type. {@code INTEGER} (any declared type with
   * INT, SQLite's integer affinity) is int8, not PostgreSQL's int4: a SQLite integer holds 64 bits
   * whatever the column says, and an int4 column would fail clients on the first large value.
   *
   * @param typeName the column's declared type as sqlite-jdbc reports it ({@code
   *     ResultSetMetaData.getColumnTypeName}, read while on the first row): without a declared
   *     type, sqlite-jdbc names the storage class of the current value, and NUMERIC for NULL
   * @param firstValue the column's value in the first row, null when none or no rows
   */
  public static PgType forColumn(String typeName, Object firstValue) {
    String t = typeName == null ? "" : typeName.toUpperCase(Locale.ROOT);
    if (t.isEmpty() || (t.equals("NUMERIC") && firstValue == null)) {
      return forValue(firstValue);
    }
    PgType declared = forDeclared(t);
    return declared == null ? forValue(firstValue) : declared;
  }

  /**
   * The type of a declared column type ({@code pragma_table_info}'s), as PostgreSQL names it; null
   * when the name says nothing SQLite's affinity rules read (SQLite's NUMERIC affinity, no type).
   */
  public static PgType forDeclared(String typeName) {
    return DeclaredTypes.of(typeName);
  }

  /**
   * SQLite's expression for the OID of the type declared in {@code column}, by the rules of {@link
   * #forDeclared}; text's when they say none (the emulated pg_attribute's atttypid).
   */
  public static String declaredOidSql(String column) {
    return DeclaredTypes.oidSql(column);
  }

  /** The type of a value without a declared column type. */
  public static PgType forValue(Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return INT8;
    }
    if (v instanceof Double || v instanceof Float) {
      return FLOAT8;
    }
    if (v instanceof byte[]) {
      return BYTEA;
    }
    return TEXT;
  }

  /**
   * The value in this type's text format; null for NULL. A value that does not fit the type (SQLite
   * stores what it is given) is sent in its own text form.
   */
  public String encode(Object v) {
    if (this == BOOL && v != null) {
      Boolean b = bool(v);
      if (b != null) {
        return b ? "t" : "f";
      }
    }
    if (this == UUID && v instanceof byte[] bytes && bytes.length == 16) {
      return uuid(bytes);
    }
    return PgText.of(v);
  }

  private static Boolean bool(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue() != 0;
    }
    String s = v.toString().strip().toLowerCase(Locale.ROOT);
    return TRUE.contains(s) ? Boolean.TRUE : FALSE.contains(s) ? Boolean.FALSE : null;
  }

  private static String uuid(byte[] b) {
    String hex = PgText.bytea(b).substring(2);
    return hex.substring(0, 8)
        + '-'
        + hex.substring(8, 12)
        + '-'
        + hex.substring(12, 16)
        + '-'
        + hex.substring(16, 20)
        + '-'
        + hex.substring(20);
  }
}
