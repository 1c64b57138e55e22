package io.heliosdb.nano.session;

import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One SQL statement, classified: the PostgreSQL notification statements HeliosDB runs itself, or
 * SQL for SQLite (possibly rewritten, as for {@code SELECT pg_listening_channels()}).
 *
 * @param sql the SQL to give SQLite (for {@link Type#SQL})
 * @param channel the channel, after PostgreSQL's identifier rules
 * @param payload the NOTIFY payload, "" when none was given
 * @param notice a PostgreSQL NOTICE to show the user (identifier truncation), or null
 */
public record Command(Type type, String sql, String channel, String payload, String notice) {

  /** What a statement is. */
  public enum Type {
    LISTEN,
    UNLISTEN,
    UNLISTEN_ALL,
    NOTIFY,
    /** {@code ROLLBACK TO [SAVEPOINT] x}: SQL, but some notifications may be undone. */
    ROLLBACK_TO_SAVEPOINT,
    /** {@code SAVEPOINT x}: SQL, after which a ROLLBACK TO may undo notifications. */
    SAVEPOINT,
    SQL
  }

  /** PostgreSQL's NAMEDATALEN - 1. */
  static final int MAX_IDENTIFIER_BYTES = 63;

  private static final Pattern LISTENING_CHANNELS =
      Pattern.compile(
          "(?is)\\s*select\\s+(\\*\\s+from\\s+)?pg_listening_channels\\s*\\(\\s*\\)\\s*;?\\s*");

  /** The PostgreSQL command tag for a successful statement of this type, e.g. {@code LISTEN}. */
  public String tag() {
    return switch (type) {
      case LISTEN -> "LISTEN";
      case UNLISTEN, UNLISTEN_ALL -> "UNLISTEN";
      case NOTIFY -> "NOTIFY";
      default -> null;
    };
  }

  public boolean isNotificationStatement() {
    return type != Type.SQL && type != Type.ROLLBACK_TO_SAVEPOINT && type != Type.SAVEPOINT;
  }

  /** Classifies one statement (no trailing statements). */
  public static Command parse(String statement) throws HeliosSqlException {
    SqlScanner s = new SqlScanner(statement);
    SqlScanner.Kind first = s.next();
    if (first != SqlScanner.Kind.WORD) {
      return sql(statement);
    }
    String word = s.text().toUpperCase(Locale.ROOT);
    switch (word) {
      case "LISTEN":
        return withChannel(Type.LISTEN, s, statement);
      case "UNLISTEN":
        if (s.next() == SqlScanner.Kind.OTHER && s.text().equals("*")) {
          expectEnd(s, statement);
          return new Command(Type.UNLISTEN_ALL, null, null, null, null);
        }
        return channelAndRest(Type.UNLISTEN, s, statement);
      case "NOTIFY":
        return notify(s, statement);
      case "ROLLBACK":
        return rollback(s, statement);
      case "SAVEPOINT":
        return new Command(Type.SAVEPOINT, statement, null, null, null);
      case "SELECT":
        if (LISTENING_CHANNELS.matcher(statement).matches()) {
          return sql(
              "SELECT value AS pg_listening_channels FROM json_each(pg_listening_channels())");
        }
        return sql(statement);
      default:
        return sql(statement);
    }
  }

  private static Command sql(String statement) {
    return new Command(Type.SQL, statement, null, null, null);
  }

  private static Command rollback(SqlScanner s, String statement) {
    while (s.next() != SqlScanner.Kind.END) {
      if (s.isWord("TO")) {
        return new Command(Type.ROLLBACK_TO_SAVEPOINT, statement, null, null, null);
      }
    }
    return sql(statement);
  }

  private static Command withChannel(Type type, SqlScanner s, String statement)
      throws HeliosSqlException {
    s.next();
    return channelAndRest(type, s, statement);
  }

  /** The scanner is on the channel token. */
  private static Command channelAndRest(Type type, SqlScanner s, String statement)
      throws HeliosSqlException {
    String[] name = identifier(s, statement);
    expectEnd(s, statement);
    return new Command(type, null, name[0], null, name[1]);
  }

  private static Command notify(SqlScanner s, String statement) throws HeliosSqlException {
    s.next();
    String[] name = identifier(s, statement);
    String payload = "";
    SqlScanner.Kind k = s.next();
    if (k == SqlScanner.Kind.OTHER && s.text().equals(",")) {
      if (s.next() != SqlScanner.Kind.STRING || s.error() != null) {
        throw syntax(statement, s, "the NOTIFY payload must be a string literal");
      }
      payload = s.unquoted();
      k = s.next();
    }
    if (k != SqlScanner.Kind.END && k != SqlScanner.Kind.SEMICOLON) {
      throw syntax(statement, s, null);
    }
    return new Command(Type.NOTIFY, null, name[0], payload, name[1]);
  }

  private static void expectEnd(SqlScanner s, String statement) throws HeliosSqlException {
    SqlScanner.Kind k = s.next();
    if (k == SqlScanner.Kind.SEMICOLON) {
      k = s.next();
    }
    if (k != SqlScanner.Kind.END) {
      throw syntax(statement, s, null);
    }
  }

  /** {name, notice-or-null}, following PostgreSQL: fold unquoted, keep quoted, truncate to 63. */
  private static String[] identifier(SqlScanner s, String statement) throws HeliosSqlException {
    String name;
    if (s.kind() == SqlScanner.Kind.WORD && !Character.isDigit(s.text().charAt(0))) {
      name = foldAscii(s.text());
    } else if (s.kind() == SqlScanner.Kind.QUOTED_IDENT && s.text().startsWith("\"")) {
      if (s.error() != null) {
        throw syntax(statement, s, "unterminated quoted identifier");
      }
      name = s.unquoted();
      if (name.isEmpty()) {
        throw new HeliosSqlException(
            SqlState.SYNTAX_ERROR, "zero-length delimited identifier at or near \"\"\"\"");
      }
    } else {
      throw syntax(statement, s, null);
    }
    return truncate(name);
  }

  /** PostgreSQL lower-cases only ASCII letters of unquoted identifiers in UTF-8 databases. */
  static String foldAscii(String word) {
    StringBuilder b = null;
    for (int i = 0; i < word.length(); i++) {
      char c = word.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        if (b == null) {
          b = new StringBuilder(word);
        }
        b.setCharAt(i, (char) (c + 32));
      }
    }
    return b == null ? word : b.toString();
  }

  static String[] truncate(String name) {
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_IDENTIFIER_BYTES) {
      return new String[] {name, null};
    }
    int len = MAX_IDENTIFIER_BYTES;
    while (len > 0 && (bytes[len] & 0xC0) == 0x80) {
      len--; // do not cut a multi-byte character
    }
    String cut = new String(bytes, 0, len, StandardCharsets.UTF_8);
    return new String[] {cut, "identifier \"" + name + "\" will be truncated to \"" + cut + "\""};
  }

  private static HeliosSqlException syntax(String statement, SqlScanner s, String detail) {
    String near =
        s.kind() == SqlScanner.Kind.END
            ? "syntax error at end of input"
            : "syntax error at or near \"" + s.text() + "\"";
    return new HeliosSqlException(
        SqlState.SYNTAX_ERROR, detail == null ? near : near + ": " + detail);
  }
}
