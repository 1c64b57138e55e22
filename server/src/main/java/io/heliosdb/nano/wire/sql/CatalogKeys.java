package io.heliosdb.nano.wire.sql;

/**
 * The catalog's indexes and constraints, from SQLite's pragmas: {@code pg_index} and {@code
 * pg_constraint}, over one internal expression, {@code heliosdb_indexes}, that {@code pg_class}
 * reads too. Indexes SQLite makes for a PRIMARY KEY or UNIQUE constraint ({@code
 * sqlite_autoindex_t_1}) get PostgreSQL's names, {@code t_pkey} and {@code t_col_key}; a rowid
 * table's INTEGER PRIMARY KEY, which has no SQLite index, is reported as the index {@code t_pkey}
 * that PostgreSQL would have. Arrays are in PostgreSQL's text forms: an int2vector ({@code indkey},
 * subscripts from 0) as {@code 1 2}, an int2[] ({@code conkey}, from 1) as <code>{1,2}</code>.
 */
final class CatalogKeys {
  private static final String USER_TABLES =
      "FROM sqlite_schema s, %s WHERE s.type = 'table' AND s.name NOT LIKE 'sqlite\\_%%' ESCAPE"
          + " '\\'";

  /**
   * Every index: its table, SQLite's name, PostgreSQL's name, unique, primary, origin (pk, u, c),
   * keys (int2vector text), options (1 for DESC), column names (JSON, null for an expression),
   * column list (an expression index's from its CREATE INDEX text), predicate.
   */
  static final String INDEXES =
      "heliosdb_indexes(tbl, sqlite_name, relname, isunique, isprimary, origin, keys, options,"
          + " colnames, collist, pred) AS (SELECT s.name, il.name, CASE il.origin"
          + " WHEN 'pk' THEN s.name || '_pkey' WHEN 'u' THEN s.name || '_' || (SELECT"
          + " group_concat(ii.name, '_' ORDER BY ii.seqno) FROM pragma_index_info(il.name) ii)"
          + " || '_key' ELSE il.name END, il.\"unique\", il.origin = 'pk', il.origin,"
          + " (SELECT group_concat(CASE WHEN ii.cid < 0 THEN 0 ELSE ii.cid + 1 END, ' ' ORDER BY"
          + " ii.seqno) FROM pragma_index_info(il.name) ii), (SELECT group_concat(ix.\"desc\","
          + " ' ' ORDER BY ix.seqno) FROM pragma_index_xinfo(il.name) ix WHERE ix.key),"
          + " (SELECT json_group_array(n) FROM (SELECT ii.name AS n FROM"
          + " pragma_index_info(il.name) ii ORDER BY ii.seqno)), CASE WHEN EXISTS (SELECT 1 FROM"
          + " pragma_index_info(il.name) ii WHERE ii.cid = -2) THEN (SELECT substr(h, instr(h,"
          + " '(') + 1, length(h) - instr(h, '(') - 1) FROM (SELECT rtrim(CASE WHEN il.partial"
          + " THEN substr(x.sql, 1, instr(upper(x.sql), ' WHERE ') - 1) ELSE x.sql END) AS h"
          + " FROM sqlite_schema x WHERE x.name = il.name)) ELSE (SELECT group_concat(ix.name ||"
          + " CASE WHEN ix.\"desc\" THEN ' DESC' ELSE '' END, ', ' ORDER BY ix.seqno) FROM"
          + " pragma_index_xinfo(il.name) ix WHERE ix.key) END, CASE WHEN il.partial THEN (SELECT"
          + " substr(x.sql, instr(upper(x.sql), ' WHERE ') + 7) FROM sqlite_schema x WHERE"
          + " x.name = il.name) END "
          + String.format(USER_TABLES, "pragma_index_list(s.name) il")
          + " UNION ALL SELECT s.name, NULL, s.name || '_pkey', 1, 1, 'pk', CAST(p.cid + 1 AS"
          + " TEXT), '0', json_array(p.name), p.name, NULL "
          + String.format(USER_TABLES, "pragma_table_info(s.name) p")
          + " AND p.pk = 1 AND upper(p.type) = 'INTEGER' AND (SELECT count(*) FROM"
          + " pragma_table_info(s.name) k WHERE k.pk > 0) = 1 AND NOT EXISTS (SELECT 1 FROM"
          + " pragma_index_list(s.name) x WHERE x.origin = 'pk'))";

  /**
   * {@code pg_index}, with two columns of our own that {@code pg_get_indexdef} reads: the index's
   * definition and its column names.
   */
  static final String PG_INDEX =
      "pg_index(indexrelid, indrelid, indnatts, indnkeyatts, indisunique, indnullsnotdistinct,"
          + " indisprimary, indisexclusion, indimmediate, indisclustered, indisvalid,"
          + " indcheckxmin, indisready, indislive, indisreplident, indkey, indcollation, indclass,"
          + " indoption, indexprs, indpred, heliosdb_indexdef, heliosdb_colnames) AS (SELECT"
          + " heliosdb_table_oid(x.relname), heliosdb_table_oid(x.tbl), json_array_length("
          + "x.colnames), json_array_length(x.colnames), x.isunique, 0, x.isprimary, 0, 1, 0, 1,"
          + " 0, 1, 1, 0, x.keys, replace(x.options, '1', '0'), replace(x.options, '1', '0'),"
          + " x.options, NULL, x.pred, 'CREATE ' || CASE WHEN x.isunique THEN 'UNIQUE ' ELSE ''"
          + " END || 'INDEX ' || x.relname || ' ON public.' || x.tbl || ' USING btree (' ||"
          + " x.collist || ')' || coalesce(' WHERE (' || x.pred || ')', ''), x.colnames FROM"
          + " heliosdb_indexes x)";

  /** PostgreSQL's one-letter code of a foreign key's ON UPDATE / ON DELETE action. */
  private static String action(String column) {
    return "CASE "
        + column
        + " WHEN 'CASCADE' THEN 'c' WHEN 'SET NULL' THEN 'n' WHEN 'SET DEFAULT' THEN 'd'"
        + " WHEN 'RESTRICT' THEN 'r' ELSE 'a' END";
  }

  /** The clause PostgreSQL's constraint definition shows for a foreign key's action. */
  private static String actionClause(String column, String verb) {
    return "CASE WHEN "
        + column
        + " IN ('CASCADE', 'SET NULL', 'SET DEFAULT', 'RESTRICT') THEN ' ON "
        + verb
        + " ' || "
        + column
        + " ELSE '' END";
  }

  /** The foreign keys of every table, one row per constraint (pragma_foreign_key_list's id). */
  private static final String FOREIGN_KEYS =
      "(SELECT s.name AS tbl, f.\"table\" AS ref, f.id AS id, group_concat(f.\"from\", '_' ORDER"
          + " BY f.seq) AS names, group_concat(f.\"from\", ', ' ORDER BY f.seq) AS fromlist,"
          + " group_concat(coalesce(f.\"to\", (SELECT r.name FROM pragma_table_info(f.\"table\") r"
          + " WHERE r.pk = f.seq + 1)), ', ' ORDER BY f.seq) AS tolist, '{' ||"
          + " group_concat((SELECT c.cid + 1 FROM pragma_table_info(s.name) c WHERE c.name ="
          + " f.\"from\" COLLATE NOCASE), ',' ORDER BY f.seq) || '}' AS conkey, '{' ||"
          + " group_concat(coalesce((SELECT r.cid + 1 FROM pragma_table_info(f.\"table\") r"
          + " WHERE r.name = f.\"to\" COLLATE NOCASE), (SELECT r.cid + 1 FROM"
          + " pragma_table_info(f.\"table\") r WHERE r.pk = f.seq + 1)), ',' ORDER BY f.seq) ||"
          + " '}' AS confkey, max(f.on_update) AS upd, max(f.on_delete) AS del "
          + String.format(USER_TABLES, "pragma_foreign_key_list(s.name) f")
          + " GROUP BY s.name, f.id)";

  /**
   * {@code pg_constraint}: primary keys ('p') and UNIQUE constraints ('u') from the indexes,
   * foreign keys ('f') from {@code pragma_foreign_key_list} with their actions and the unique index
   * they reference (conindid). CHECK constraints are not reported (SQLite has no pragma for them).
   * One column of our own, the definition {@code pg_get_constraintdef} returns.
   */
  static final String PG_CONSTRAINT =
      "pg_constraint(oid, conname, connamespace, contype, condeferrable, condeferred,"
          + " convalidated, conrelid, contypid, conindid, conparentid, confrelid, confupdtype,"
          + " confdeltype, confmatchtype, conislocal, coninhcount, connoinherit, conkey, confkey,"
          + " conpfeqop, conppeqop, conffeqop, confdelsetcols, conexclop, conbin,"
          + " heliosdb_condef) AS (SELECT heliosdb_table_oid('constraint ' || x.relname),"
          + " x.relname, 2200, CASE WHEN x.isprimary THEN 'p' ELSE 'u' END, 0, 0, 1,"
          + " heliosdb_table_oid(x.tbl), 0, heliosdb_table_oid(x.relname), 0, 0, ' ', ' ', ' ',"
          + " 1, 0, 1, '{' || replace(x.keys, ' ', ',') || '}', NULL, NULL, NULL, NULL, NULL,"
          + " NULL, NULL, CASE WHEN x.isprimary THEN 'PRIMARY KEY (' ELSE 'UNIQUE (' END ||"
          + " x.collist || ')' FROM heliosdb_indexes x WHERE x.origin IN ('pk', 'u') UNION ALL"
          + " SELECT heliosdb_table_oid('constraint ' || fk.tbl || '_' || fk.names || '_fkey'),"
          + " fk.tbl || '_' || fk.names || '_fkey', 2200, 'f', 0, 0, 1, heliosdb_table_oid("
          + "fk.tbl), 0, coalesce((SELECT heliosdb_table_oid(i.relname) FROM heliosdb_indexes i"
          + " WHERE i.tbl = fk.ref COLLATE NOCASE AND i.isunique AND '{' || replace(i.keys, ' ',"
          + " ',') || '}' = fk.confkey ORDER BY i.isprimary DESC LIMIT 1), 0), 0,"
          + " heliosdb_table_oid(fk.ref), "
          + action("fk.upd")
          + ", "
          + action("fk.del")
          + ", 's', 1, 0, 1, fk.conkey, fk.confkey, NULL, NULL, NULL, NULL, NULL, NULL,"
          + " 'FOREIGN KEY (' || fk.fromlist || ') REFERENCES ' || fk.ref || '(' || fk.tolist ||"
          + " ')' || "
          + actionClause("fk.upd", "UPDATE")
          + " || "
          + actionClause("fk.del", "DELETE")
          + " FROM "
          + FOREIGN_KEYS
          + " fk)";

  private CatalogKeys() {}
}
