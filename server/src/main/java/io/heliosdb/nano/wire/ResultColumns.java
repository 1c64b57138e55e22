package io.heliosdb.nano.wire;

import io.heliosdb.nano.wire.sql.PgKeywords;
import io.heliosdb.nano.wire.types.PgColumn;
import io.heliosdb.nano.wire.types.PgType;
import io.heliosdb.nano.wire.types.SelectList;
import io.heliosdb.nano.wire.types.StatementTables;
import io.heliosdb.nano.wire.types.TableOids;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The columns of a result as RowDescription reports them, the same in both protocols:
 *
 * <ol>
 *   <li>A column that comes from a table (SQLite knows its origin: {@code
 *       sqlite3_column_table_name}, which sqlite-jdbc's {@code getTableName} returns) is typed by
 *       its declared type, read from {@code pragma_table_info} ({@link PgType#forColumn}); it
 *       carries the table's OID ({@link TableOids}) and its attnum (cid + 1), once {@link
 *       #reportOrigins} is on. A table column without a declared type is typed by its first value
 *       in the simple protocol and text in the extended one.
 *   <li>An expression is typed as PostgreSQL types it where the statement's text shows it ({@link
 *       SelectList}: {@code 41 + 1} int4, {@code count(*)} int8, {@code 1 = 1} bool, ...).
 *   <li>Otherwise, in the simple protocol, by the storage class of the first row's value (INTEGER
 *       int8, REAL float8, BLOB bytea, TEXT and NULL text); in the extended protocol, whose
 *       Describe comes before any row, text.
 * </ol>
 */
final class ResultColumns {
  /**
   * Whether RowDescription carries table OIDs and column numbers. On since the catalog emulation
   * answers pgjdbc's field-metadata query (pg_class, pg_attribute, pg_attrdef by these OIDs), which
   * pgjdbc runs for {@code ResultSetMetaData.getTableName}, {@code isNullable} and {@code
   * getColumnTypeName}; a switch so that it can be turned off again should a client's query fail.
   */
  static volatile boolean reportOrigins = true;

  private ResultColumns() {}

  /**
   * The columns of a result.
   *
   * @param firstRow the first row's values (simple protocol), or null before execution (Describe)
   */
  static List<PgColumn> of(Connection conn, String sql, ResultSetMetaData md, Object[] firstRow)
      throws SQLException {
    int n = md.getColumnCount();
    List<SelectList.Item> items = SelectList.of(sql);
    if (items.size() != n) {
      items = List.of();
    }
    Map<String, Map<String, Declared>> tables = new HashMap<>();
    List<PgColumn> columns = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      Object first = firstRow == null ? null : firstRow[i - 1];
      SelectList.Item item = items.isEmpty() ? null : items.get(i - 1);
      String label =
          item != null && item.name() != null
              ? item.name()
              : PgKeywords.label(md.getColumnLabel(i));
      String table = md.getTableName(i);
      if (table != null && !table.isEmpty()) {
        String name = item != null && item.column() != null ? item.column() : md.getColumnName(i);
        Declared d = tables.computeIfAbsent(table, t -> declared(conn, t)).get(lower(name));
        if (d != null) {
          PgType type = PgType.forDeclared(d.type);
          if (type == null) {
            // No declared type (or one without affinity to go by): as an untyped expression.
            type = firstRow == null ? PgType.TEXT : PgType.forValue(first);
          }
          PgColumn column =
              reportOrigins
                  ? new PgColumn(label, type, TableOids.of(table), (short) d.attnum)
                  : new PgColumn(label, type);
          columns.add(column.withScaleOf(d.type));
          continue;
        }
      }
      PgType type = item == null ? null : item.type();
      Declared over =
          item == null || item.over() == null ? null : over(conn, sql, item.over(), tables);
      PgType overType = over == null ? null : SelectList.typeOver(item.over(), over.type);
      type = overType == null ? type : overType; // avg over a float8 column is float8, not numeric
      if (type == null) {
        type =
            firstRow == null
                ? PgType.forColumn(declaredOrNull(md.getColumnTypeName(i)), null)
                : PgType.forValue(first);
      }
      PgColumn column = new PgColumn(label, type);
      boolean keepsScale = overType != null && !item.over().function().equals("avg");
      columns.add(keepsScale ? column.withScaleOf(over.type) : column);
    }
    return columns;
  }

  /**
   * The column of {@code sum(col)}, {@code max(t.col)}, {@code coalesce(col, ...)}: found in the
   * statement's FROM tables by its qualifier (table or alias) or, unqualified, in the first table
   * that has it; null when not found.
   */
  private static Declared over(
      Connection conn, String sql, SelectList.Over over, Map<String, Map<String, Declared>> cache) {
    for (StatementTables.Table t : StatementTables.topLevel(sql)) {
      String q = over.qualifier();
      if (q != null && !q.equalsIgnoreCase(t.name()) && !q.equalsIgnoreCase(t.alias())) {
        continue;
      }
      Declared d =
          cache.computeIfAbsent(t.name(), n -> declared(conn, n)).get(lower(over.column()));
      if (d != null) {
        return d;
      }
    }
    return null;
  }

  /**
   * Before a row, sqlite-jdbc names the declared type of a column, or NUMERIC for one without
   * (SQLite's NULL): only a declared type is a type here.
   */
  private static String declaredOrNull(String typeName) {
    return typeName == null || typeName.equals("NUMERIC") ? null : typeName;
  }

  private record Declared(String type, int attnum) {}

  /** A table's columns by lower-case name: declared type and attnum; empty when unreadable. */
  private static Map<String, Declared> declared(Connection conn, String table) {
    Map<String, Declared> columns = new HashMap<>();
    try (PreparedStatement ps =
        conn.prepareStatement("SELECT cid, name, type FROM pragma_table_info(?)")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String type = rs.getString(3);
          columns.put(
              lower(rs.getString(2)), new Declared(type == null ? "" : type, rs.getInt(1) + 1));
        }
      }
    } catch (SQLException e) {
      // a table we cannot read (a temp table of another schema): no origin, typed as an expression
    }
    return columns;
  }

  /**
   * A table's declared column types by lower-case name, in column order, for parameter inference
   * ({@link io.heliosdb.nano.wire.types.ParameterTypes}); empty when unreadable.
   */
  static Map<String, String> declaredTypes(Connection conn, String table) {
    Map<String, String> types = new LinkedHashMap<>();
    try (PreparedStatement ps =
        conn.prepareStatement("SELECT name, type FROM pragma_table_info(?) ORDER BY cid")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String type = rs.getString(2);
          types.putIfAbsent(lower(rs.getString(1)), type == null ? "" : type);
        }
      }
    } catch (SQLException e) {
      // unreadable: nothing inferred from it
    }
    return types;
  }

  private static String lower(String s) {
    return s == null ? "" : s.toLowerCase(Locale.ROOT);
  }
}
