package io.heliosdb.nano.wire.types;

/**
 * A result column as RowDescription describes it: its label, PostgreSQL type, and for a column read
 * from a table that table's OID ({@link TableOids}) and the column's number (attnum, 1-based); 0
 * and 0 for an expression.
 */
public record PgColumn(String name, PgType type, int tableOid, short attnum) {
  /** A column that comes from no table. */
  public PgColumn(String name, PgType type) {
    this(name, type, 0, (short) 0);
  }
}
