package io.heliosdb.nano.wire.sql;

import io.heliosdb.nano.wire.types.PgType;
import java.util.List;
import java.util.StringJoiner;

/**
 * The rows of the two catalog tables HeliosDB Nano emulates, {@code pg_catalog.pg_type} and {@code
 * pg_catalog.pg_namespace}, as SQLite common table expressions ({@code pg_type(oid, typname, ...)
 * AS (VALUES ...)}) that {@link PgCatalog} puts in front of a statement that reads them. The types
 * are those of {@link PgType} and the other built-in ones drivers know by OID (int2, int4, float4,
 * timestamptz, jsonb, ...), each with its array type, with PostgreSQL 15's OIDs and attributes.
 * Booleans are 1 and 0, as SQLite has them.
 */
final class PgCatalogTables {
  static final int PG_CATALOG_OID = 11;
  static final int PUBLIC_OID = 2200;

  private static final String TYPE_COLUMNS =
      "oid, typname, typnamespace, typowner, typlen, typbyval, typtype, typcategory,"
          + " typispreferred, typisdefined, typdelim, typrelid, typelem, typarray, typinput,"
          + " typoutput, typreceive, typsend, typalign, typstorage, typnotnull, typbasetype,"
          + " typtypmod, typndims, typcollation, typdefault";

  /** A base type: OID, name, length, by value, category, preferred, array OID, I/O name, ... */
  private record Base(
      int oid,
      String name,
      int len,
      boolean byVal,
      char category,
      boolean preferred,
      int arrayOid,
      String io,
      char align,
      char storage,
      int collation) {}

  /** PostgreSQL 15's pg_type rows for these types; io is the prefix of the I/O functions. */
  private static final List<Base> BASES =
      List.of(
          new Base(16, "bool", 1, true, 'B', true, 1000, "bool", 'c', 'p', 0),
          new Base(17, "bytea", -1, false, 'U', false, 1001, "bytea", 'i', 'x', 0),
          new Base(18, "char", 1, true, 'Z', false, 1002, "char", 'c', 'p', 0),
          new Base(19, "name", 64, false, 'S', false, 1003, "name", 'c', 'p', 950),
          new Base(20, "int8", 8, true, 'N', false, 1016, "int8", 'd', 'p', 0),
          new Base(21, "int2", 2, true, 'N', false, 1005, "int2", 's', 'p', 0),
          new Base(23, "int4", 4, true, 'N', false, 1007, "int4", 'i', 'p', 0),
          new Base(25, "text", -1, false, 'S', true, 1009, "text", 'i', 'x', 100),
          new Base(26, "oid", 4, true, 'N', true, 1028, "oid", 'i', 'p', 0),
          new Base(114, "json", -1, false, 'U', false, 199, "json_", 'i', 'x', 0),
          new Base(700, "float4", 4, true, 'N', false, 1021, "float4", 'i', 'p', 0),
          new Base(701, "float8", 8, true, 'N', true, 1022, "float8", 'd', 'p', 0),
          new Base(1042, "bpchar", -1, false, 'S', false, 1014, "bpchar", 'i', 'x', 100),
          new Base(1043, "varchar", -1, false, 'S', false, 1015, "varchar", 'i', 'x', 100),
          new Base(1082, "date", 4, true, 'D', false, 1182, "date_", 'i', 'p', 0),
          new Base(1083, "time", 8, true, 'D', false, 1183, "time_", 'd', 'p', 0),
          new Base(1114, "timestamp", 8, true, 'D', false, 1115, "timestamp_", 'd', 'p', 0),
          new Base(1184, "timestamptz", 8, true, 'D', true, 1185, "timestamptz_", 'd', 'p', 0),
          new Base(1186, "interval", 16, false, 'T', true, 1187, "interval_", 'd', 'p', 0),
          new Base(1700, "numeric", -1, false, 'N', false, 1231, "numeric_", 'i', 'm', 0),
          new Base(2950, "uuid", 16, false, 'U', false, 2951, "uuid_", 'c', 'p', 0),
          new Base(3802, "jsonb", -1, false, 'U', false, 3807, "jsonb_", 'i', 'x', 0));

  /** {@code pg_type(...) AS (VALUES ...)}: every base type and its array type. */
  static final String PG_TYPE = "pg_type(" + TYPE_COLUMNS + ") AS (VALUES " + typeRows() + ")";

  /** {@code pg_namespace(...) AS (VALUES ...)}: pg_catalog and public. */
  static final String PG_NAMESPACE =
      "pg_namespace(oid, nspname, nspowner, nspacl) AS (VALUES ("
          + PG_CATALOG_OID
          + ", 'pg_catalog', 10, NULL), ("
          + PUBLIC_OID
          + ", 'public', 10, NULL))";

  /** The OID of a declared type, as {@code PgType.forDeclared} maps it; text when it says none. */
  static String typeOid(String declared) {
    return PgType.declaredOidSql(declared);
  }

  /** {@code pg_database}: the one database, named as current_database() names it. */
  static final String PG_DATABASE =
      "pg_database(oid, datname, datdba, encoding, datlocprovider, datistemplate, datallowconn,"
          + " datconnlimit, datfrozenxid, datminmxid, dattablespace, datcollate, datctype,"
          + " daticulocale, datcollversion, datacl) AS (VALUES (16384, current_database(), 10, 6,"
          + " 'c', 0, 1, -1, 0, 0, 1663, 'C', 'C', NULL, NULL, NULL))";

  private PgCatalogTables() {}

  private static String typeRows() {
    StringJoiner rows = new StringJoiner(", ");
    for (Base b : BASES) {
      rows.add(
          row(
              b.oid,
              b.name,
              b.len,
              b.byVal,
              b.category,
              b.preferred,
              0,
              b.arrayOid,
              b.io + "in",
              b.io + "out",
              b.io + "recv",
              b.io + "send",
              b.align,
              b.storage,
              b.collation));
      rows.add(
          row(
              b.arrayOid,
              "_" + b.name,
              -1,
              false,
              'A',
              false,
              b.oid,
              0,
              "array_in",
              "array_out",
              "array_recv",
              "array_send",
              b.align == 'd' ? 'd' : 'i',
              'x',
              b.collation));
    }
    return rows.toString();
  }

  private static String row(
      int oid,
      String name,
      int len,
      boolean byVal,
      char category,
      boolean preferred,
      int elem,
      int array,
      String input,
      String output,
      String receive,
      String send,
      char align,
      char storage,
      int collation) {
    return "("
        + oid
        + ", '"
        + name
        + "', "
        + PG_CATALOG_OID
        + ", 10, "
        + len
        + ", "
        + (byVal ? 1 : 0)
        + ", 'b', '"
        + category
        + "', "
        + (preferred ? 1 : 0)
        + ", 1, ',', 0, "
        + elem
        + ", "
        + array
        + ", '"
        + input
        + "', '"
        + output
        + "', '"
        + receive
        + "', '"
        + send
        + "', '"
        + align
        + "', '"
        + storage
        + "', 0, 0, -1, 0, "
        + collation
        + ", NULL)";
  }
}
