package io.heliosdb.nano.wire.sql;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The catalog tables that do not come from the schema: {@code pg_settings} (the settings drivers
 * read), {@code pg_am} (PostgreSQL's access methods), the session user as the one superuser role
 * ({@code pg_roles}, {@code pg_user}), and the tables SQLite has nothing for, empty with PostgreSQL
 * 15's columns (functions, dependencies, triggers as PostgreSQL has them, inheritance, policies,
 * extended statistics, publications, collations, rewrite rules).
 */
final class CatalogSystem {
  /** {@code pg_settings}: the settings drivers and tools read, with PostgreSQL 15's values. */
  static final String PG_SETTINGS =
      "pg_settings(name, setting, unit, category, short_desc, extra_desc, context, vartype,"
          + " source, min_val, max_val, enumvals, boot_val, reset_val, sourcefile, sourceline,"
          + " pending_restart) AS (SELECT column1, column2, NULL, '', '', NULL, 'internal', column3,"
          + " 'default', NULL, NULL, NULL, column2, column2, NULL, NULL, 0 FROM (VALUES ('max_index_keys', '32',"
          + " 'integer'), ('max_identifier_length', '63', 'integer'), ('max_function_args', '100',"
          + " 'integer'), ('block_size', '8192', 'integer'), ('server_version', '15.0',"
          + " 'string'), ('server_version_num', '150000', 'integer'),"
          + " ('standard_conforming_strings', 'on', 'bool'), ('integer_datetimes', 'on',"
          + " 'bool'), ('server_encoding', 'UTF8', 'string'), ('client_encoding', 'UTF8',"
          + " 'string'), ('search_path', '\"$user\", public', 'string'), ('DateStyle', 'ISO,"
          + " MDY', 'string'), ('TimeZone', 'UTC', 'string'), ('default_transaction_isolation',"
          + " 'serializable', 'enum'), ('transaction_isolation', 'serializable', 'enum')))";

  /** {@code pg_am}: PostgreSQL 15's access methods; every index here is a btree (403). */
  static final String PG_AM =
      "pg_am(oid, amname, amhandler, amtype) AS (VALUES (2, 'heap', 'heap_tableam_handler',"
          + " 't'), (403, 'btree', 'bthandler', 'i'), (405, 'hash', 'hashhandler', 'i'), (783,"
          + " 'gist', 'gisthandler', 'i'), (2742, 'gin', 'ginhandler', 'i'), (4000, 'spgist',"
          + " 'spghandler', 'i'), (3580, 'brin', 'brinhandler', 'i'))";

  /** {@code pg_roles}: the session's user, OID 10, superuser (it owns everything). */
  static final String PG_ROLES =
      "pg_roles(rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin,"
          + " rolreplication, rolconnlimit, rolpassword, rolvaliduntil, rolbypassrls, rolconfig,"
          + " oid) AS (VALUES (pg_get_userbyid(10), 1, 1, 1, 1, 1, 1, -1, '********', NULL, 1,"
          + " NULL, 10))";

  /** {@code pg_user}: the same user. */
  static final String PG_USER =
      "pg_user(usename, usesysid, usecreatedb, usesuper, userepl, usebypassrls, passwd,"
          + " valuntil, useconfig) AS (VALUES (pg_get_userbyid(10), 10, 1, 1, 1, 1, '********',"
          + " NULL, NULL))";

  /** The empty tables, by name: their columns. */
  static final Map<String, String> EMPTY = new LinkedHashMap<>();

  static {
    EMPTY.put("pg_auth_members", "roleid, member, grantor, admin_option");
    EMPTY.put(
        "pg_proc",
        "oid, proname, pronamespace, proowner, prolang, procost, prorows, provariadic,"
            + " prosupport, prokind, prosecdef, proleakproof, proisstrict, proretset, provolatile,"
            + " proparallel, pronargs, pronargdefaults, prorettype, proargtypes, proallargtypes,"
            + " proargmodes, proargnames, proargdefaults, protrftypes, prosrc, probin,"
            + " prosqlbody, proconfig, proacl");
    EMPTY.put("pg_depend", "classid, objid, objsubid, refclassid, refobjid, refobjsubid, deptype");
    EMPTY.put(
        "pg_trigger",
        "oid, tgrelid, tgparentid, tgname, tgfoid, tgtype, tgenabled, tgisinternal,"
            + " tgconstrrelid, tgconstrindid, tgconstraint, tgdeferrable, tginitdeferred,"
            + " tgnargs, tgattr, tgargs, tgqual, tgoldtable, tgnewtable");
    EMPTY.put("pg_inherits", "inhrelid, inhparent, inhseqno, inhdetachpending");
    EMPTY.put(
        "pg_policy",
        "oid, polname, polrelid, polcmd, polpermissive, polroles, polqual, polwithcheck");
    EMPTY.put(
        "pg_statistic_ext",
        "oid, stxrelid, stxname, stxnamespace, stxowner, stxstattarget, stxkeys, stxkind,"
            + " stxexprs");
    EMPTY.put(
        "pg_publication",
        "oid, pubname, pubowner, puballtables, pubinsert, pubupdate, pubdelete, pubtruncate,"
            + " pubviaroot");
    EMPTY.put("pg_publication_rel", "oid, prpubid, prrelid, prqual, prattrs");
    EMPTY.put("pg_publication_namespace", "oid, pnpubid, pnnspid");
    EMPTY.put(
        "pg_collation",
        "oid, collname, collnamespace, collowner, collprovider, collisdeterministic,"
            + " collencoding, collcollate, collctype, colliculocale, collversion");
    EMPTY.put(
        "pg_rewrite",
        "oid, rulename, ev_class, ev_type, ev_enabled, is_instead, ev_qual, ev_action");
    EMPTY.put("pg_tablespace", "oid, spcname, spcowner, spcacl, spcoptions");
    EMPTY.put(
        "pg_sequence",
        "seqrelid, seqtypid, seqstart, seqincrement, seqmax, seqmin, seqcache, seqcycle");
    EMPTY.put(
        "pg_extension",
        "oid, extname, extowner, extnamespace, extrelocatable, extversion, extconfig,"
            + " extcondition");
    EMPTY.put("pg_enum", "oid, enumtypid, enumsortorder, enumlabel");
  }

  private CatalogSystem() {}

  /** {@code name(columns) AS (SELECT NULL, ... WHERE 0)}: the table with no rows. */
  static String empty(String name) {
    String columns = EMPTY.get(name);
    String nulls = columns.replaceAll("\\w+", "NULL");
    return name + "(" + columns + ") AS (SELECT " + nulls + " WHERE 0)";
  }
}
