package io.heliosdb.nano.engine;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.zip.CRC32;
import org.sqlite.Function;
import org.sqlite.SQLiteConnection;

/**
 * The functions the wire server's emulation of PostgreSQL's catalog calls, on every connection:
 *
 * <ul>
 *   <li>{@code regexp(pattern, value)}, which SQLite's {@code value REGEXP pattern} operator calls
 *       (PostgreSQL's {@code ~}; Java's regular expressions, which read PostgreSQL's common
 *       patterns the same way);
 *   <li>{@code heliosdb_table_oid(name)}: the OID a table, view or index is reported with, {@code
 *       16384 + CRC-32(lower-cased name) mod 2147467264} (the server's {@code TableOids}, which
 *       must follow the same rule);
 *   <li>{@code pg_get_expr(text, relation [, pretty])}: the text itself (SQLite keeps defaults as
 *       text); {@code pg_table_is_visible(oid)} and {@code pg_type_is_visible(oid)}: always true
 *       (one schema, and pg_catalog); {@code pg_get_userbyid(oid)}: the session's user, the owner
 *       of everything.
 * </ul>
 */
final class CatalogFunctions {
  private static final int INNOCUOUS = 0x200000;
  private static final int DETERMINISTIC = 0x800;
  private static final int FIRST_USER_OID = 16384;
  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  private CatalogFunctions() {}

  /** The OID of the table, view or index named {@code name} (any case). */
  static int tableOid(String name) {
    CRC32 crc = new CRC32();
    crc.update(name.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    return FIRST_USER_OID + (int) (crc.getValue() % (Integer.MAX_VALUE - FIRST_USER_OID + 1L));
  }

  static void register(SQLiteConnection conn, SessionView session) throws SQLException {
    Function.create(
        conn,
        "regexp",
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            String pattern = value_text(0);
            String value = value_text(1);
            if (pattern == null || value == null) {
              result();
              return;
            }
            Pattern p;
            try {
              p = PATTERNS.size() > 256 ? Pattern.compile(pattern) : compiled(pattern);
            } catch (PatternSyntaxException e) {
              error("invalid regular expression: " + e.getDescription());
              return;
            }
            result(p.matcher(value).find() ? 1 : 0);
          }
        },
        2,
        DETERMINISTIC | INNOCUOUS);
    Function.create(
        conn,
        "heliosdb_table_oid",
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            String name = value_text(0);
            if (name == null) {
              result();
            } else {
              result(tableOid(name));
            }
          }
        },
        1,
        DETERMINISTIC | INNOCUOUS);
    Function.create(
        conn,
        "pg_get_expr",
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            String expr = value_text(0);
            if (expr == null) {
              result();
            } else {
              result(expr);
            }
          }
        },
        -1,
        DETERMINISTIC | INNOCUOUS);
    Function.create(
        conn,
        "pg_table_is_visible",
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            result(1);
          }
        },
        1,
        DETERMINISTIC | INNOCUOUS);
    Function.create(
        conn,
        "pg_type_is_visible",
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            result(1); // every type is in pg_catalog, on the search path
          }
        },
        1,
        DETERMINISTIC | INNOCUOUS);
    Function.create(
        conn,
        "pg_get_userbyid",
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            result(session.user());
          }
        },
        1,
        INNOCUOUS);
    CatalogArrayFunctions.register(conn);
    for (String name : NO_OBJECTS) {
      Function.create(
          conn,
          name,
          new Function() {
            @Override
            protected void xFunc() throws SQLException {
              result();
            }
          },
          -1,
          DETERMINISTIC | INNOCUOUS);
    }
  }

  /**
   * Functions about objects SQLite does not have (functions, triggers as PostgreSQL has them,
   * extended statistics, publications, comments): the catalog tables they read are empty, so they
   * are only called on nothing, or for a comment, which is null.
   */
  private static final List<String> NO_OBJECTS =
      List.of(
          "pg_get_function_result",
          "pg_get_function_arguments",
          "pg_get_function_identity_arguments",
          "pg_function_is_visible",
          "pg_get_serial_sequence",
          "pg_get_triggerdef",
          "pg_get_statisticsobjdef_columns",
          "pg_relation_is_publishable",
          "col_description",
          "obj_description",
          "shobj_description");

  /**
   * The elements of an array in PostgreSQL's text form: <code>{1,2}</code> (an array, subscripts
   * from 1) or {@code 1 2} (an int2vector or oidvector, from 0); null for null.
   */
  static List<String> elements(String array) {
    if (array == null) {
      return null;
    }
    String a = array.strip();
    if (a.startsWith("{")) {
      String inner = a.substring(1, Math.max(1, a.length() - 1)).strip();
      return inner.isEmpty() ? List.of() : Arrays.asList(inner.split("\\s*,\\s*"));
    }
    return a.isEmpty() ? List.of() : Arrays.asList(a.split("\\s+"));
  }

  /** The lower bound of subscripts: 1 for an array, 0 for a vector. */
  static int lowerBound(String array) {
    return array.strip().startsWith("{") ? 1 : 0;
  }

  private static Pattern compiled(String pattern) {
    return PATTERNS.computeIfAbsent(pattern, Pattern::compile);
  }
}
