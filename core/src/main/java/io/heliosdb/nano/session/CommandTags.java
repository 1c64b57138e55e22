package io.heliosdb.nano.session;

import java.util.Locale;
import java.util.Set;

/**
 * PostgreSQL's command tags ({@code INSERT 0 1}, {@code CREATE TABLE}, {@code BEGIN}, ...) for the
 * statements SQLite runs, as psql prints them and as CommandComplete carries them.
 */
public final class CommandTags {
  private static final Set<String> DML = Set.of("INSERT", "REPLACE", "UPDATE", "DELETE");
  private static final Set<String> OBJECT_PREFIXES =
      Set.of("TEMP", "TEMPORARY", "UNIQUE", "VIRTUAL");

  private CommandTags() {}

  /**
   * The tag of a statement that succeeded.
   *
   * @param statement one statement, as run
   * @param count rows changed by INSERT/UPDATE/DELETE (or returned by their RETURNING), rows
   *     returned by a query
   * @param returnedRows whether the statement produced a result set
   * @return the tag, or null for an empty statement
   */
  public static String of(String statement, long count, boolean returnedRows) {
    SqlScanner s = new SqlScanner(statement);
    if (s.next() != SqlScanner.Kind.WORD) {
      return s.kind() == SqlScanner.Kind.END ? null : returnedRows ? "SELECT " + count : "";
    }
    String verb = word(s);
    if (verb.equals("WITH")) {
      verb = mainVerbAfterWith(s);
    }
    if (DML.contains(verb)) {
      return switch (verb) {
        case "INSERT", "REPLACE" -> "INSERT 0 " + count;
        default -> verb + " " + count;
      };
    }
    if (returnedRows) {
      return "SELECT " + count;
    }
    return switch (verb) {
      case "CREATE", "DROP", "ALTER" -> verb + " " + objectKind(s);
      case "END" -> "COMMIT";
      case "START" -> "START TRANSACTION";
      case "DEALLOCATE", "CLOSE", "DISCARD" -> housekeepingTag(statement, verb);
      default -> verb;
    };
  }

  /** DEALLOCATE [ALL], CLOSE CURSOR [ALL], DISCARD ALL/PLANS/TEMP/SEQUENCES; the verb if bad. */
  private static String housekeepingTag(String statement, String verb) {
    try {
      String tag = Command.parse(statement).tag();
      return tag == null ? verb : tag;
    } catch (java.sql.SQLException e) {
      return verb; // running it reports the error
    }
  }

  /** The verb of the statement a {@code WITH} clause leads to: the first word outside brackets. */
  private static String mainVerbAfterWith(SqlScanner s) {
    int depth = 0;
    for (SqlScanner.Kind k = s.next(); k != SqlScanner.Kind.END; k = s.next()) {
      if (k == SqlScanner.Kind.OTHER) {
        char c = s.text().charAt(0);
        depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      } else if (k == SqlScanner.Kind.WORD && depth == 0) {
        String w = word(s);
        if (DML.contains(w) || w.equals("SELECT") || w.equals("VALUES")) {
          return w;
        }
      }
    }
    return "SELECT";
  }

  private static String objectKind(SqlScanner s) {
    while (s.next() == SqlScanner.Kind.WORD) {
      String w = word(s);
      if (!OBJECT_PREFIXES.contains(w)) {
        return w;
      }
    }
    return "";
  }

  private static String word(SqlScanner s) {
    return s.text().toUpperCase(Locale.ROOT);
  }
}
