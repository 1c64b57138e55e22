package io.heliosdb.nano.cli;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.Notification;
import io.heliosdb.nano.session.CommandTags;
import java.io.PrintWriter;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;

/**
 * Runs statements on one connection and prints what psql would: rows as a table, the command tag,
 * notices, errors with their SQLSTATE, and the notifications that arrived.
 */
final class StatementRunner {
  private final HeliosConnection conn;
  private final PrintWriter out;
  private final PrintWriter err;

  StatementRunner(HeliosConnection conn, PrintWriter out, PrintWriter err) {
    this.conn = conn;
    this.out = out;
    this.err = err;
  }

  /** Runs one statement; returns false when it failed (the error is printed). */
  boolean run(String sql) {
    boolean ok = execute(sql);
    printNotifications();
    out.flush();
    return ok;
  }

  private boolean execute(String sql) {
    try (Statement st = conn.createStatement()) {
      boolean rows = st.execute(sql);
      printWarnings(st.getWarnings());
      long count;
      if (rows) {
        ResultTable table;
        try (ResultSet rs = st.getResultSet()) {
          table = ResultTable.read(rs);
        }
        table.print(out);
        count = table.rowCount();
      } else {
        count = Math.max(0, st.getUpdateCount());
      }
      String tag = CommandTags.of(sql, count, rows);
      // psql shows the row count instead of the tag for a plain query.
      if (tag != null && !tag.isEmpty() && !(rows && tag.startsWith("SELECT "))) {
        out.println(tag);
      }
      return true;
    } catch (SQLException e) {
      out.flush();
      err.println("ERROR:  " + e.getSQLState() + ": " + e.getMessage());
      err.flush();
      return false;
    }
  }

  private void printWarnings(SQLWarning w) {
    for (; w != null; w = w.getNextWarning()) {
      out.flush();
      err.println("NOTICE:  " + w.getMessage());
      err.flush();
    }
  }

  /** Prints the notifications queued for this session, in psql's words. */
  void printNotifications() {
    try {
      for (Notification n : conn.getNotifications()) {
        out.println(describe(n));
      }
    } catch (SQLException e) {
      err.println("ERROR:  " + e.getSQLState() + ": " + e.getMessage());
    }
  }

  static String describe(Notification n) {
    if (n.isOverflow()) {
      return "WARNING: " + n.droppedCount() + " notifications were dropped: the queue was full.";
    }
    String from = " received from server process with PID " + n.senderPid() + ".";
    if (n.payload().isEmpty()) {
      return "Asynchronous notification \"" + n.channel() + "\"" + from;
    }
    return "Asynchronous notification \""
        + n.channel()
        + "\" with payload \""
        + n.payload()
        + "\""
        + from;
  }
}
