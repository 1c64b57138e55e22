package io.heliosdb.nano.wire.sql;

/**
 * The catalog's relations and columns, from {@code sqlite_schema} and {@code pragma_table_info}:
 * {@code pg_class}, {@code pg_attribute}, {@code pg_attrdef} and {@code pg_description} (empty).
 */
final class CatalogRelations {
  /** The user tables and views of sqlite_schema (not SQLite's own). */
  private static final String USER_SCHEMA =
      "(SELECT type, name, tbl_name, sql FROM sqlite_schema"
          + " WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\')";

  /** pg_class's columns after relname, for a table or view of sqlite_schema and for an index. */
  private static final String CLASS_COLUMNS =
      "pg_class(oid, relname, relnamespace, reltype, reloftype, relowner, relam, relfilenode,"
          + " reltablespace, relpages, reltuples, relallvisible, reltoastrelid, relhasindex,"
          + " relisshared, relpersistence, relkind, relnatts, relchecks, relhasrules,"
          + " relhastriggers, relhassubclass, relrowsecurity, relforcerowsecurity, relispopulated,"
          + " relreplident, relispartition, relrewrite, relfrozenxid, relminmxid, relacl,"
          + " reloptions, relpartbound)";

  /**
   * {@code pg_class}: every table ('r') and view ('v') of sqlite_schema and every index ('i') of
   * {@link CatalogKeys#INDEXES} (with PostgreSQL's names), in public, with the OID of {@code
   * TableOids} (indexes by the same rule on their own name: SQLite, like PostgreSQL, keeps tables
   * and indexes in one namespace). relhastriggers is also true for a table with a foreign key or
   * referenced by one, as PostgreSQL's constraint triggers make it (psql lists foreign keys only
   * then).
   */
  static final String PG_CLASS =
      CLASS_COLUMNS
          + " AS (SELECT heliosdb_table_oid(s.name), s.name, "
          + PgCatalogTables.PUBLIC_OID
          + ", 0, 0, 10, CASE s.type WHEN 'table' THEN 2 ELSE 0 END, 0, 0, 0, -1, 0, 0,"
          + " EXISTS (SELECT 1 FROM heliosdb_indexes x WHERE x.tbl = s.name), 0, 'p',"
          + " CASE s.type WHEN 'table' THEN 'r' ELSE 'v' END,"
          + " (SELECT count(*) FROM pragma_table_info(s.name)), 0, 0,"
          + " EXISTS (SELECT 1 FROM sqlite_schema g WHERE g.type = 'trigger'"
          + " AND g.tbl_name = s.name) OR EXISTS (SELECT 1 FROM pragma_foreign_key_list(s.name))"
          + " OR EXISTS (SELECT 1 FROM sqlite_schema r, pragma_foreign_key_list(r.name) f WHERE"
          + " r.type = 'table' AND f.\"table\" = s.name COLLATE NOCASE), 0, 0, 0, 1, 'd', 0, 0,"
          + " 0, 0, NULL, NULL, NULL FROM "
          + USER_SCHEMA
          + " s WHERE s.type IN ('table', 'view') UNION ALL SELECT heliosdb_table_oid(x.relname),"
          + " x.relname, "
          + PgCatalogTables.PUBLIC_OID
          + ", 0, 0, 10, 403, 0, 0, 1, 0, 0, 0, 0, 0, 'p', 'i', json_array_length(x.colnames), 0,"
          + " 0, 0, 0, 0, 0, 1, 'n', 0, 0, 0, 0, NULL, NULL, NULL FROM heliosdb_indexes x)";

  /**
   * {@code pg_attribute}: the columns of every table and view ({@code pragma_table_info}), attnum
   * cid + 1 as in RowDescription; typed as RowDescription types them, text without a declared type.
   * A column is NOT NULL when declared so or when it is the table's INTEGER PRIMARY KEY (the
   * rowid). The rowid is not reported as an identity column although SQLite assigns it: pgjdbc
   * would then name its type bigserial, where PostgreSQL says int8 for {@code id INTEGER PRIMARY
   * KEY}.
   */
  static final String PG_ATTRIBUTE =
      "pg_attribute(attrelid, attname, atttypid, attstattarget, attlen, attnum, attndims,"
          + " attcacheoff, atttypmod, attbyval, attalign, attstorage, attcompression, attnotnull,"
          + " atthasdef, atthasmissing, attidentity, attgenerated, attisdropped, attislocal,"
          + " attinhcount, attcollation, attacl, attoptions, attfdwoptions, attmissingval) AS"
          + " (SELECT relid, attname, typid, -1, CASE typid WHEN 16 THEN 1 WHEN 20 THEN 8"
          + " WHEN 701 THEN 8 WHEN 1082 THEN 4 WHEN 1114 THEN 8 WHEN 2950 THEN 16 ELSE -1 END,"
          + " attnum, 0, -1, typmod, 0, 'i', 'p', '', nn OR isrowid, hasdef, 0,"
          + " '', '', 0, 1, 0,"
          + " CASE WHEN typid IN (25, 1043, 1042) THEN 100 ELSE 0 END, NULL, NULL, NULL, NULL"
          + " FROM (SELECT heliosdb_table_oid(s.name) AS relid, p.name AS attname, "
          + PgCatalogTables.typeOid("p.type")
          + " AS typid, CASE WHEN instr(p.type, '(') = 0 THEN -1 WHEN upper(p.type) LIKE '%CHAR%'"
          + " THEN CAST(substr(p.type, instr(p.type, '(') + 1) AS INTEGER) + 4 WHEN upper(p.type)"
          + " LIKE '%NUMERIC%' OR upper(p.type) LIKE '%DECIMAL%' THEN ((CAST(substr(p.type,"
          + " instr(p.type, '(') + 1) AS INTEGER) << 16) | CASE WHEN instr(p.type, ',') > 0 THEN"
          + " CAST(substr(p.type, instr(p.type, ',') + 1) AS INTEGER) ELSE 0 END) + 4 ELSE -1"
          + " END AS typmod,"
          + " p.cid + 1 AS attnum, p.\"notnull\" AS nn,"
          + " p.dflt_value IS NOT NULL AS hasdef, (p.pk = 1 AND upper(p.type) = 'INTEGER'"
          + " AND s.type = 'table' AND (SELECT count(*) FROM pragma_table_info(s.name) k"
          + " WHERE k.pk > 0) = 1) AS isrowid FROM "
          + USER_SCHEMA
          + " s, pragma_table_info(s.name) p WHERE s.type IN ('table', 'view')))";

  /** {@code pg_attrdef}: columns' defaults, their SQL text as adbin (pg_get_expr returns it). */
  static final String PG_ATTRDEF =
      "pg_attrdef(oid, adrelid, adnum, adbin) AS (SELECT heliosdb_table_oid(s.name || '.'"
          + " || p.name), heliosdb_table_oid(s.name), p.cid + 1, p.dflt_value FROM "
          + USER_SCHEMA
          + " s, pragma_table_info(s.name) p WHERE s.type = 'table' AND p.dflt_value IS NOT NULL)";

  /** {@code pg_description}: no comments (SQLite has none). */
  static final String PG_DESCRIPTION =
      "pg_description(objoid, classoid, objsubid, description) AS (SELECT 0, 0, 0, '' WHERE 0)";

  private CatalogRelations() {}
}
