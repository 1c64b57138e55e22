package io.heliosdb.nano.engine;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.sqlite.Function;
import org.sqlite.SQLiteConnection;

/**
 * The catalog emulation's functions on arrays and types, which the wire server's catalog queries
 * call: arrays are in PostgreSQL's text forms ({@link CatalogFunctions#elements}).
 *
 * <ul>
 *   <li>{@code heliosdb_subscript(array, i)}: the element {@code array[i]}, null out of bounds;
 *   <li>{@code heliosdb_array_json(array)}: the elements as a JSON array of numbers (for {@code
 *       json_each});
 *   <li>{@code array_to_string(array, separator)}, {@code array_upper(array, dimension)};
 *   <li>{@code pg_encoding_to_char(6)}: UTF8, the one encoding;
 *   <li>{@code format_type(oid, typmod)}: the type's SQL name as PostgreSQL 15 prints it ({@code
 *       character varying(40)}, {@code bigint}, {@code integer[]}).
 * </ul>
 */
final class CatalogArrayFunctions {
  private static final int INNOCUOUS = 0x200000;
  private static final int DETERMINISTIC = 0x800;
  private static final int NULL_TYPE = 5; // SQLITE_NULL

  /** PostgreSQL's SQL names of the types the catalog reports, by OID. */
  private static final Map<Integer, String> TYPE_NAMES =
      Map.ofEntries(
          Map.entry(16, "boolean"),
          Map.entry(17, "bytea"),
          Map.entry(18, "\"char\""),
          Map.entry(19, "name"),
          Map.entry(20, "bigint"),
          Map.entry(21, "smallint"),
          Map.entry(23, "integer"),
          Map.entry(25, "text"),
          Map.entry(26, "oid"),
          Map.entry(114, "json"),
          Map.entry(700, "real"),
          Map.entry(701, "double precision"),
          Map.entry(1042, "character"),
          Map.entry(1043, "character varying"),
          Map.entry(1082, "date"),
          Map.entry(1083, "time without time zone"),
          Map.entry(1114, "timestamp without time zone"),
          Map.entry(1184, "timestamp with time zone"),
          Map.entry(1186, "interval"),
          Map.entry(1700, "numeric"),
          Map.entry(2950, "uuid"),
          Map.entry(3802, "jsonb"));

  /** Array type OID to element type OID, for the arrays of the types above. */
  private static final Map<Integer, Integer> ARRAYS =
      Map.ofEntries(
          Map.entry(1000, 16),
          Map.entry(1001, 17),
          Map.entry(1002, 18),
          Map.entry(1003, 19),
          Map.entry(1016, 20),
          Map.entry(1005, 21),
          Map.entry(1007, 23),
          Map.entry(1009, 25),
          Map.entry(1028, 26),
          Map.entry(199, 114),
          Map.entry(1021, 700),
          Map.entry(1022, 701),
          Map.entry(1014, 1042),
          Map.entry(1015, 1043),
          Map.entry(1182, 1082),
          Map.entry(1183, 1083),
          Map.entry(1115, 1114),
          Map.entry(1185, 1184),
          Map.entry(1187, 1186),
          Map.entry(1231, 1700),
          Map.entry(2951, 2950),
          Map.entry(3807, 3802));

  private CatalogArrayFunctions() {}

  /** {@code format_type}'s answer: the name, with (n) for a character type, (p,s) for numeric. */
  static String formatType(int oid, int typmod) {
    Integer element = ARRAYS.get(oid);
    if (element != null) {
      return formatType(element, typmod) + "[]";
    }
    String name = TYPE_NAMES.get(oid);
    if (name == null) {
      return "???";
    }
    if ((oid == 1042 || oid == 1043) && typmod >= 4) {
      return name + "(" + (typmod - 4) + ")";
    }
    if (oid == 1700 && typmod >= 4) {
      return name + "(" + (((typmod - 4) >> 16) & 0xffff) + "," + ((typmod - 4) & 0xffff) + ")";
    }
    return name;
  }

  /** An element as SQLite compares it: a number when it is one (key columns are numbers). */
  private static Long number(String e) {
    try {
      return Long.parseLong(e);
    } catch (NumberFormatException notNumber) {
      return null;
    }
  }

  static void register(SQLiteConnection conn) throws SQLException {
    Function.create(
        conn,
        "heliosdb_subscript",
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            String array = value_text(0);
            List<String> e = CatalogFunctions.elements(array);
            if (e == null || value_type(1) == NULL_TYPE) {
              result();
              return;
            }
            int i = value_int(1) - CatalogFunctions.lowerBound(array);
            if (i < 0 || i >= e.size()) {
              result();
            } else {
              Long number = number(e.get(i));
              if (number != null) {
                result(number);
              } else {
                result(e.get(i));
              }
            }
          }
        },
        2,
        DETERMINISTIC | INNOCUOUS);
    Function.create(
        conn,
        "heliosdb_array_json",
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            List<String> e = CatalogFunctions.elements(value_text(0));
            result(e == null ? "[]" : "[" + String.join(",", e) + "]");
          }
        },
        1,
        DETERMINISTIC | INNOCUOUS);
    Function.create(
        conn,
        "array_to_string",
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            List<String> e = CatalogFunctions.elements(value_text(0));
            if (e == null) {
              result();
            } else {
              String sep = value_text(1);
              result(String.join(sep == null ? "" : sep, e));
            }
          }
        },
        -1,
        DETERMINISTIC | INNOCUOUS);
    Function.create(
        conn,
        "array_upper",
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            String array = value_text(0);
            List<String> e = CatalogFunctions.elements(array);
            if (e == null || e.isEmpty()) {
              result();
            } else {
              result(e.size() - 1 + CatalogFunctions.lowerBound(array));
            }
          }
        },
        2,
        DETERMINISTIC | INNOCUOUS);
    Function.create(
        conn,
        "pg_encoding_to_char",
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            result(value_int(0) == 6 ? "UTF8" : value_int(0) == 0 ? "SQL_ASCII" : "");
          }
        },
        1,
        DETERMINISTIC | INNOCUOUS);
    Function.create(
        conn,
        "format_type",
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            if (value_type(0) == NULL_TYPE) {
              result();
            } else {
              int typmod = args() > 1 && value_type(1) != NULL_TYPE ? value_int(1) : -1;
              result(formatType(value_int(0), typmod));
            }
          }
        },
        -1,
        DETERMINISTIC | INNOCUOUS);
  }
}
