package io.heliosdb.nano.cli;

import io.heliosdb.nano.wire.types.PgText;
import java.io.PrintWriter;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A result set printed as psql's aligned format: centred headers, a dashed rule, numbers right
 * aligned, NULL as nothing, and {@code (N rows)}.
 */
final class ResultTable {
  private final String[] headers;
  private final boolean[] numeric;
  private final List<String[]> rows = new ArrayList<>();

  private ResultTable(String[] headers) {
    this.headers = headers;
    this.numeric = new boolean[headers.length];
  }

  /** Reads every row of {@code rs}. */
  static ResultTable read(ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    String[] headers = new String[md.getColumnCount()];
    for (int i = 0; i < headers.length; i++) {
      headers[i] = md.getColumnLabel(i + 1);
    }
    ResultTable t = new ResultTable(headers);
    while (rs.next()) {
      String[] row = new String[headers.length];
      for (int i = 0; i < row.length; i++) {
        Object v = rs.getObject(i + 1);
        // SQLite types each value, not each column: a column is numeric when all its values are.
        t.numeric[i] = (t.rows.isEmpty() || t.numeric[i]) && (v == null || v instanceof Number);
        row[i] = text(v);
      }
      t.rows.add(row);
    }
    return t;
  }

  int rowCount() {
    return rows.size();
  }

  void print(PrintWriter out) {
    int[] width = new int[headers.length];
    for (int i = 0; i < headers.length; i++) {
      width[i] = headers[i].length();
      for (String[] row : rows) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder line = new StringBuilder();
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < headers.length; i++) {
      int pad = width[i] - headers[i].length();
      line.append(i == 0 ? " " : " | ")
          .append(" ".repeat(pad / 2))
          .append(headers[i])
          .append(" ".repeat(pad - pad / 2));
      rule.append(i == 0 ? "" : "+").append("-".repeat(width[i] + 2));
    }
    out.println(stripEnd(line));
    out.println(rule);
    for (String[] row : rows) {
      line.setLength(0);
      for (int i = 0; i < row.length; i++) {
        String pad = " ".repeat(width[i] - row[i].length());
        line.append(i == 0 ? " " : " | ");
        line.append(numeric[i] ? pad + row[i] : row[i] + pad);
      }
      out.println(stripEnd(line));
    }
    out.println(rows.size() == 1 ? "(1 row)" : "(" + rows.size() + " rows)");
    out.println();
  }

  /** A value as psql shows it: NULL as nothing, the rest as PostgreSQL's text format. */
  static String text(Object v) {
    String s = PgText.of(v);
    return s == null ? "" : s;
  }

  private static String stripEnd(StringBuilder s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == ' ') {
      end--;
    }
    return s.substring(0, end);
  }
}
