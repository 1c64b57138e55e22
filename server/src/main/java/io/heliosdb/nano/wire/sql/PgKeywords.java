package io.heliosdb.nano.wire.sql;

import io.heliosdb.nano.session.SqlTokens;
import io.heliosdb.nano.session.SqlTokens.Token;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PostgreSQL's value keywords that take no parentheses ({@code SELECT current_user}), which SQLite
 * reads as column names. They are turned into the functions the core registers ({@code
 * current_user()}, ...) only when SQLite has just refused the statement with {@code no such column}
 * for one of them: a table's own column named {@code user} keeps working. The result column is then
 * labelled with the keyword, as PostgreSQL labels it ({@code current_user}, not {@code
 * current_user()}).
 */
public final class PgKeywords {
  private static final Map<String, String> FUNCTIONS =
      Map.of(
          "current_user", "current_user()",
          "session_user", "session_user()",
          "user", "user()",
          "current_role", "current_user()",
          "current_catalog", "current_database()",
          "current_schema", "current_schema()");

  private static final String NO_SUCH_COLUMN = "no such column: ";

  private PgKeywords() {}

  /**
   * {@code sql} with the keyword SQLite's error names turned into its function, or null when the
   * error is not about one of these keywords (or it does not appear bare in the text).
   */
  static String retry(String sql, SQLException e) {
    String message = e.getMessage();
    int at = message == null ? -1 : message.indexOf(NO_SUCH_COLUMN);
    if (at < 0) {
      return null;
    }
    String word = message.substring(at + NO_SUCH_COLUMN.length()).strip();
    String function = FUNCTIONS.get(word.toLowerCase(Locale.ROOT));
    if (function == null) {
      return null;
    }
    List<Token> tokens = SqlTokens.of(sql);
    StringBuilder out = new StringBuilder(sql.length() + 8);
    int copied = 0;
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.isWord(word)
          && (i == 0 || !tokens.get(i - 1).is('.'))
          && (i + 1 == tokens.size() || !tokens.get(i + 1).is('('))) {
        out.append(sql, copied, t.start()).append(function);
        copied = t.end();
      }
    }
    return copied == 0 ? null : out.append(sql, copied, sql.length()).toString();
  }

  /** A result column's label: a keyword's function call is labelled with the keyword. */
  public static String label(String label) {
    if (label != null && label.endsWith("()")) {
      String word = label.substring(0, label.length() - 2);
      if (FUNCTIONS.containsKey(word)) {
        return word;
      }
    }
    return label;
  }
}
