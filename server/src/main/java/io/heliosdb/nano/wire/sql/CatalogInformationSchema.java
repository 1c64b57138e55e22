package io.heliosdb.nano.wire.sql;

import java.util.Map;
import java.util.Set;

/**
 * {@code information_schema.tables}, {@code columns} and {@code schemata}, as views over the
 * emulated pg_catalog tables (so they say what pg_class and pg_attribute say). A statement's {@code
 * information_schema.tables} becomes the common table expression {@code information_schema_tables}
 * ({@link PgCatalog}); only the user's tables and views are listed, not the catalog's own.
 */
final class CatalogInformationSchema {
  /** information_schema's relation names and the expression each one is. */
  static final Map<String, String> VIEWS;

  /** The catalog tables each view reads. */
  static final Map<String, Set<String>> READS;

  private static final String TABLES =
      "information_schema_tables(table_catalog, table_schema, table_name, table_type,"
          + " self_referencing_column_name, reference_generation, user_defined_type_catalog,"
          + " user_defined_type_schema, user_defined_type_name, is_insertable_into, is_typed,"
          + " commit_action) AS (SELECT current_database(), 'public', c.relname, CASE c.relkind"
          + " WHEN 'r' THEN 'BASE TABLE' ELSE 'VIEW' END, NULL, NULL, NULL, NULL, NULL, CASE"
          + " c.relkind WHEN 'r' THEN 'YES' ELSE 'NO' END, 'NO', NULL FROM pg_class c WHERE"
          + " c.relkind IN ('r', 'v'))";

  private static final String COLUMNS =
      "information_schema_columns(table_catalog, table_schema, table_name, column_name,"
          + " ordinal_position, column_default, is_nullable, data_type, character_maximum_length,"
          + " character_octet_length, numeric_precision, numeric_precision_radix, numeric_scale,"
          + " datetime_precision, interval_type, udt_catalog, udt_schema, udt_name, is_identity,"
          + " identity_generation, is_generated, generation_expression, is_updatable) AS (SELECT"
          + " current_database(), 'public', c.relname, a.attname, a.attnum, d.adbin, CASE WHEN"
          + " a.attnotnull THEN 'NO' ELSE 'YES' END, format_type(a.atttypid, NULL), CASE WHEN"
          + " a.atttypid IN (1042, 1043) AND a.atttypmod >= 4 THEN a.atttypmod - 4 END, CASE WHEN"
          + " a.atttypid IN (25, 1042, 1043) THEN 1073741824 END, CASE a.atttypid WHEN 20 THEN 64"
          + " WHEN 23 THEN 32 WHEN 21 THEN 16 WHEN 701 THEN 53 WHEN 700 THEN 24 WHEN 1700 THEN"
          + " CASE WHEN a.atttypmod >= 4 THEN ((a.atttypmod - 4) >> 16) & 65535 END END, CASE WHEN"
          + " a.atttypid IN (20, 23, 21, 701, 700) THEN 2 WHEN a.atttypid = 1700 THEN 10 END, CASE"
          + " WHEN a.atttypid IN (20, 23, 21) THEN 0 WHEN a.atttypid = 1700 AND a.atttypmod >= 4"
          + " THEN (a.atttypmod - 4) & 65535 END, CASE WHEN"
          + " a.atttypid IN (1082, 1114, 1184) THEN 6 END, NULL, current_database(), 'pg_catalog',"
          + " t.typname, 'NO', NULL, 'NEVER', NULL, CASE c.relkind WHEN 'r' THEN 'YES' ELSE 'NO'"
          + " END FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid LEFT JOIN pg_type t ON"
          + " t.oid = a.atttypid LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum ="
          + " a.attnum)";

  private static final String SCHEMATA =
      "information_schema_schemata(catalog_name, schema_name, schema_owner,"
          + " default_character_set_catalog, default_character_set_schema,"
          + " default_character_set_name, sql_path) AS (VALUES (current_database(),"
          + " 'information_schema', pg_get_userbyid(10), NULL, NULL, NULL, NULL),"
          + " (current_database(), 'pg_catalog', pg_get_userbyid(10), NULL, NULL, NULL, NULL),"
          + " (current_database(), 'public', pg_get_userbyid(10), NULL, NULL, NULL, NULL))";

  static {
    VIEWS =
        Map.of(
            "information_schema_tables", TABLES,
            "information_schema_columns", COLUMNS,
            "information_schema_schemata", SCHEMATA);
    READS =
        Map.of(
            "information_schema_tables",
            Set.of("pg_class"),
            "information_schema_columns",
            Set.of("pg_attribute", "pg_class", "pg_type", "pg_attrdef"),
            "information_schema_schemata",
            Set.of());
  }

  private CatalogInformationSchema() {}
}
