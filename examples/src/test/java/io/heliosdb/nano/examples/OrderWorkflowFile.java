package io.heliosdb.nano.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test helper: an order-workflow database read from outside the processes running it, with plain
 * SQLite connections opened for each look (so that a killed process's file is recovered by whoever
 * opens it next, as after a real crash), and the workflow's invariants.
 */
final class OrderWorkflowFile {
  /** The steps of examples/order-workflow/workflow.toml, in order. */
  static final List<String> STEPS =
      List.of("payment_processing", "inventory_allocation", "shipping");

  /** How many steps an order of each status has been through. */
  private static final Map<String, Integer> STEPS_DONE =
      Map.of("new", 0, "paid", 1, "allocated", 2, "shipped", 3);

  private final Path file;

  OrderWorkflowFile(Path file) {
    this.file = file;
  }

  Path path() {
    return file;
  }

  private Connection open() throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout = 10000");
    }
    return c;
  }

  /** The single number {@code sql} selects. */
  long number(String sql) throws SQLException {
    try (Connection c = open();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Rows of {@code table}; 0 while the file or the table does not exist yet. */
  long rows(String table) throws SQLException {
    if (!Files.exists(file)) {
      return 0;
    }
    if (number("SELECT count(*) FROM sqlite_schema WHERE name = '" + table + "'") == 0) {
      return 0;
    }
    return number("SELECT count(*) FROM " + table);
  }

  /** Each column of each row of {@code sql}, by column label. */
  List<Map<String, Object>> query(String sql) throws SQLException {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (Connection c = open();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        Map<String, Object> row = new TreeMap<>();
        for (int i = 1; i <= n; i++) {
          row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /**
   * What is wrong with the committed state, in one read transaction: an order whose log rows are
   * not exactly the steps its status has reached (a step done twice cannot even commit, because of
   * the log's primary key; a step logged without its status, or a status without its log row, would
   * show here), a log row of an order that does not exist, an unknown status or step.
   */
  List<String> violations() throws SQLException {
    List<String> wrong = new ArrayList<>();
    Map<Long, String> status = new HashMap<>();
    Map<Long, List<String>> logged = new HashMap<>();
    try (Connection c = open();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false); // one snapshot for both reads
      try (ResultSet rs = s.executeQuery("SELECT id, status FROM orders")) {
        while (rs.next()) {
          status.put(rs.getLong(1), rs.getString(2));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT order_id, step FROM workflow_log ORDER BY at")) {
        while (rs.next()) {
          logged.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2));
        }
      }
      c.rollback();
    }
    for (Map.Entry<Long, List<String>> e : logged.entrySet()) {
      if (!status.containsKey(e.getKey())) {
        wrong.add(
            "log rows " + e.getValue() + " of order " + e.getKey() + ", which does not exist");
      }
    }
    for (Map.Entry<Long, String> e : status.entrySet()) {
      Integer done = STEPS_DONE.get(e.getValue());
      List<String> log = logged.getOrDefault(e.getKey(), List.of());
      if (done == null) {
        wrong.add("order " + e.getKey() + " has the unknown status " + e.getValue());
      } else if (!new java.util.HashSet<>(log)
              .equals(new java.util.HashSet<>(STEPS.subList(0, done)))
          || log.size() != done) {
        wrong.add("order " + e.getKey() + " is " + e.getValue() + " with the log rows " + log);
      }
    }
    return wrong;
  }
}
