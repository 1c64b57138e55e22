package io.heliosdb.nano.wire;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * LISTEN/NOTIFY scenarios run through pgjdbc against any server, each returning what the clients
 * observed as plain text lines, so that PostgreSQL's lines and ours can be compared. Two sessions:
 * L (the listener) and S (the sender); a notification line names its sender by role, since pids
 * differ between servers.
 *
 * <p>"Nothing arrived" is decided without sleeping: S then sends a sentinel, and as delivery is in
 * commit order, whatever was committed before it has arrived when the sentinel has.
 */
final class NotifyScenarios {
  private static final String SENTINEL = "sentinel";

  /** One scenario: drives L and S, writes what it saw to {@code out}. */
  interface Scenario {
    void run(Session l, Session s, List<String> out) throws Exception;
  }

  /** A pgjdbc connection with its role name. */
  record Session(String role, Connection conn) {
    Statement st() throws SQLException {
      return conn.createStatement();
    }

    /** Runs one statement; an error becomes a line with its SQLSTATE. */
    void exec(String sql, List<String> out) {
      try (Statement s = st()) {
        s.execute(sql);
      } catch (SQLException e) {
        String shown = sql.length() > 60 ? sql.substring(0, 57) + "..." : sql;
        out.add(role + ": " + shown + " -> ERROR " + e.getSQLState());
      }
    }

    int pid() throws SQLException {
      return conn.unwrap(PGConnection.class).getBackendPID();
    }
  }

  static Map<String, Scenario> all() {
    Map<String, Scenario> m = new LinkedHashMap<>();
    m.put(
        "own notification",
        (l, s, out) -> {
          l.exec("LISTEN a", out);
          l.exec("NOTIFY a, 'self'", out);
          out.addAll(drain(l, s));
        });
    m.put(
        "dedupe within a transaction, commit order",
        (l, s, out) -> {
          l.exec("LISTEN a", out);
          s.exec("BEGIN", out);
          s.exec("NOTIFY a, '1'", out);
          s.exec("NOTIFY a, '1'", out);
          s.exec("SELECT pg_notify('a', '2')", out);
          s.exec("NOTIFY a, '1'", out);
          s.exec("COMMIT", out);
          s.exec("NOTIFY a, '3'", out);
          out.addAll(drain(l, s));
        });
    m.put(
        "rollback and savepoints",
        (l, s, out) -> {
          l.exec("LISTEN a", out);
          s.exec("BEGIN", out);
          s.exec("NOTIFY a, 'rolled back'", out);
          s.exec("ROLLBACK", out);
          s.exec("BEGIN", out);
          s.exec("NOTIFY a, 'before'", out);
          s.exec("SAVEPOINT sp", out);
          s.exec("NOTIFY a, 'undone'", out);
          s.exec("ROLLBACK TO sp", out);
          s.exec("NOTIFY a, 'after'", out);
          s.exec("COMMIT", out);
          out.addAll(drain(l, s));
        });
    m.put(
        "LISTEN in a rolled-back transaction never happened",
        (l, s, out) -> {
          l.exec("BEGIN", out);
          l.exec("LISTEN b", out);
          l.exec("ROLLBACK", out);
          s.exec("NOTIFY b, 'x'", out);
          out.addAll(drain(l, s));
          out.addAll(channels(l));
        });
    m.put(
        "identifiers fold, pg_notify does not",
        (l, s, out) -> {
          l.exec("LISTEN Foo", out);
          l.exec("LISTEN \"Bar\"", out);
          s.exec("NOTIFY FOO, 'folded'", out);
          s.exec("SELECT pg_notify('Foo', 'not folded')", out);
          s.exec("NOTIFY \"Bar\", 'quoted'", out);
          s.exec("NOTIFY bar, 'other case'", out);
          out.addAll(drain(l, s));
          out.addAll(channels(l));
        });
    m.put(
        "bad input",
        (l, s, out) -> {
          // Literals, not repeat(): the SQL dialects differ, the payload rule must not.
          s.exec("SELECT pg_notify('a', '" + "x".repeat(8000) + "')", out);
          s.exec("SELECT pg_notify('a', '" + "x".repeat(7999) + "')", out);
          s.exec("SELECT pg_notify('', 'x')", out);
          s.exec("SELECT pg_notify(NULL, 'x')", out);
          s.exec("NOTIFY \"\"", out);
          s.exec("LISTEN", out);
          s.exec("SELECT 1", out);
        });
    m.put(
        "a listener inside a transaction block waits for its end",
        (l, s, out) -> {
          l.exec("LISTEN a", out);
          l.exec("BEGIN", out);
          s.exec("NOTIFY a, 'held'", out);
          l.exec("SELECT 1", out);
          out.add("in block: " + received(l, s).size() + " received");
          l.exec("COMMIT", out);
          out.addAll(drain(l, s));
        });
    return m;
  }

  /** Runs one scenario on fresh connections to {@code url}. */
  static List<String> observe(String url, Scenario scenario) throws Exception {
    try (Connection lc = DriverManager.getConnection(url);
        Connection sc = DriverManager.getConnection(url)) {
      List<String> out = new ArrayList<>();
      scenario.run(new Session("L", lc), new Session("S", sc), out);
      return out;
    }
  }

  /** What L has received so far, as lines. */
  private static List<String> received(Session l, Session s) throws SQLException {
    List<String> lines = new ArrayList<>();
    PGNotification[] got = l.conn().unwrap(PGConnection.class).getNotifications();
    for (PGNotification n : got == null ? new PGNotification[0] : got) {
      lines.add(line(n, l, s));
    }
    return lines;
  }

  /** Everything L receives up to S's sentinel, which is not included. */
  private static List<String> drain(Session l, Session s) throws Exception {
    l.exec("LISTEN " + SENTINEL, new ArrayList<>());
    s.exec("NOTIFY " + SENTINEL, new ArrayList<>());
    List<String> lines = new ArrayList<>();
    PGConnection pg = l.conn().unwrap(PGConnection.class);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      PGNotification[] got = pg.getNotifications(500);
      for (PGNotification n : got == null ? new PGNotification[0] : got) {
        if (n.getName().equals(SENTINEL)) {
          l.exec("UNLISTEN " + SENTINEL, new ArrayList<>());
          return lines;
        }
        lines.add(line(n, l, s));
      }
    }
    lines.add("sentinel never arrived");
    return lines;
  }

  private static String line(PGNotification n, Session l, Session s) throws SQLException {
    String from = n.getPID() == l.pid() ? "L" : n.getPID() == s.pid() ? "S" : "pid?";
    return "notification " + n.getName() + " '" + n.getParameter() + "' from " + from;
  }

  private static List<String> channels(Session l) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (Statement st = l.st();
        ResultSet rs = st.executeQuery("SELECT pg_listening_channels()")) {
      while (rs.next()) {
        lines.add("listening " + rs.getString(1));
      }
    }
    lines.sort(null); // a set in PostgreSQL: no order
    return lines;
  }

  private NotifyScenarios() {}
}
