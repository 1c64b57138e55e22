package io.heliosdb.nano.session;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into statements at semicolons, the way {@code sqlite3_complete()} decides: inside
 * {@code CREATE TRIGGER} only a semicolon after {@code END} ends the statement.
 */
public final class SqlSplitter {
  private SqlSplitter() {}

  /** The non-empty statements of {@code sql}, without their terminating semicolons. */
  public static List<String> split(String sql) {
    List<String> out = new ArrayList<>(1);
    String rest = scan(sql, out);
    if (rest != null) {
      out.add(rest);
    }
    return out;
  }

  /**
   * Whether {@code sql} ends with a complete statement (for a shell deciding whether to read
   * another line): nothing but whitespace and comments after the last terminating semicolon. An
   * unterminated quote leaves the statement open.
   */
  public static boolean isComplete(String sql) {
    return scan(sql, new ArrayList<>()) == null;
  }

  /** Adds terminated statements to {@code out}; returns the unterminated rest, or null. */
  private static String scan(String sql, List<String> out) {
    SqlScanner s = new SqlScanner(sql);
    int stmtStart = -1;
    int tokenIndex = 0;
    boolean create = false;
    boolean trigger = false;
    boolean afterEnd = false;
    for (SqlScanner.Kind k = s.next(); k != SqlScanner.Kind.END; k = s.next()) {
      if (k == SqlScanner.Kind.SEMICOLON) {
        if (stmtStart >= 0 && (!trigger || afterEnd)) {
          out.add(sql.substring(stmtStart, s.start()).strip());
          stmtStart = -1;
          tokenIndex = 0;
          create = false;
          trigger = false;
        }
        afterEnd = false;
        continue;
      }
      if (stmtStart < 0) {
        stmtStart = s.start();
      }
      if (tokenIndex == 0) {
        create = s.isWord("CREATE");
      } else if (create && tokenIndex <= 2 && s.isWord("TRIGGER")) {
        trigger = true;
      }
      afterEnd = s.isWord("END");
      tokenIndex++;
    }
    return stmtStart >= 0 ? sql.substring(stmtStart).strip() : null;
  }
}
