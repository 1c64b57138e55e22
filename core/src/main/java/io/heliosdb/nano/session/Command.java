package io.heliosdb.nano.session;

import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One SQL statement, classified: the PostgreSQL statements HeliosDB runs itself (notifications, and
 * the session housekeeping drivers and pools send: DEALLOCATE, CLOSE, DISCARD, RESET), or SQL for
 * SQLite (possibly rewritten, as for {@code SELECT pg_listening_channels()}).
 *
 * @param sql the SQL to give SQLite (for {@link Type#SQL})
 * @param name the channel, or the prepared statement, cursor or parameter a DEALLOCATE, CLOSE or
 *     RESET names, after PostgreSQL's identifier rules
 * @param payload the NOTIFY payload, "" when none was given
 * @param notice a PostgreSQL NOTICE to show the user (identifier truncation), or null
 */
public record Command(Type type, String sql, String name, String payload, String notice) {

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
    /** {@code DEALLOCATE [PREPARE] name}. */
    DEALLOCATE,
    /** {@code DEALLOCATE [PREPARE] ALL}. */
    DEALLOCATE_ALL,
    /** {@code CLOSE name}: a cursor (a portal, over the wire). */
    CLOSE,
    /** {@code CLOSE ALL}. */
    CLOSE_ALL,
    /**
     * {@code DISCARD ALL}: CLOSE ALL, RESET ALL, DEALLOCATE ALL, UNLISTEN *, {@code
     * pg_advisory_unlock_all()}, DISCARD PLANS, TEMP and SEQUENCES; not in a transaction block.
     */
    DISCARD_ALL,
    DISCARD_PLANS,
    /** {@code DISCARD TEMP[ORARY]}: drops the session's temporary tables. */
    DISCARD_TEMP,
    DISCARD_SEQUENCES,
    /** {@code RESET name} (and {@code RESET TIME ZONE}, ...). */
    RESET,
    RESET_ALL,
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
      case DEALLOCATE -> "DEALLOCATE";
      case DEALLOCATE_ALL -> "DEALLOCATE ALL";
      case CLOSE -> "CLOSE CURSOR";
      case CLOSE_ALL -> "CLOSE CURSOR ALL";
      case DISCARD_ALL -> "DISCARD ALL";
      case DISCARD_PLANS -> "DISCARD PLANS";
      case DISCARD_TEMP -> "DISCARD TEMP";
      case DISCARD_SEQUENCES -> "DISCARD SEQUENCES";
      case RESET, RESET_ALL -> "RESET";
      default -> null;
    };
  }

  /** The channel of a LISTEN, UNLISTEN or NOTIFY (the {@link #name} component). */
  public String channel() {
    return name;
  }

  /** LISTEN, UNLISTEN or NOTIFY. */
  public boolean isNotificationStatement() {
    return type == Type.LISTEN
        || type == Type.UNLISTEN
        || type == Type.UNLISTEN_ALL
        || type == Type.NOTIFY;
  }

  /** A statement the session runs itself, never SQLite: notifications and housekeeping. */
  public boolean isSessionStatement() {
    return type != Type.SQL && type != Type.ROLLBACK_TO_SAVEPOINT && type != Type.SAVEPOINT;
  }

  /**
   * SQL for SQLite that starts with INSERT, UPDATE, DELETE or REPLACE: SQLite begins a write
   * transaction for it before any function in it runs. False for anything else (WITH ..., EXPLAIN).
   */
  public boolean writesRows() {
    if (type != Type.SQL || sql == null) {
      return false;
    }
    SqlScanner s = new SqlScanner(sql);
    return s.next() == SqlScanner.Kind.WORD
        && (s.isWord("INSERT") || s.isWord("UPDATE") || s.isWord("DELETE") || s.isWord("REPLACE"));
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
      case "DEALLOCATE":
        s.next();
        if (s.isWord("PREPARE")) {
          s.next();
        }
        return nameOrAll(Type.DEALLOCATE, Type.DEALLOCATE_ALL, s, statement);
      case "CLOSE":
        s.next();
        return nameOrAll(Type.CLOSE, Type.CLOSE_ALL, s, statement);
      case "DISCARD":
        return discard(s, statement);
      case "RESET":
        return reset(s, statement);
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

  /** The scanner is on the name or ALL. */
  private static Command nameOrAll(Type one, Type all, SqlScanner s, String statement)
      throws HeliosSqlException {
    if (s.isWord("ALL")) {
      expectEnd(s, statement);
      return new Command(all, null, null, null, null);
    }
    return channelAndRest(one, s, statement);
  }

  private static Command discard(SqlScanner s, String statement) throws HeliosSqlException {
    s.next();
    Type type = null;
    if (s.kind() == SqlScanner.Kind.WORD) {
      type =
          switch (s.text().toUpperCase(Locale.ROOT)) {
            case "ALL" -> Type.DISCARD_ALL;
            case "PLANS" -> Type.DISCARD_PLANS;
            case "TEMP", "TEMPORARY" -> Type.DISCARD_TEMP;
            case "SEQUENCES" -> Type.DISCARD_SEQUENCES;
            default -> null;
          };
    }
    if (type == null) {
      throw syntax(statement, s, null);
    }
    expectEnd(s, statement);
    return new Command(type, null, null, null, null);
  }

  /**
   * {@code RESET ALL}, {@code RESET name}, and the spellings of SET's special forms: {@code RESET
   * TIME ZONE} (TimeZone), {@code RESET SESSION AUTHORIZATION} (session_authorization), {@code
   * RESET ROLE} (role), {@code RESET TRANSACTION ISOLATION LEVEL} (transaction_isolation).
   */
  private static Command reset(SqlScanner s, String statement) throws HeliosSqlException {
    s.next();
    if (s.isWord("ALL")) {
      expectEnd(s, statement);
      return new Command(Type.RESET_ALL, null, null, null, null);
    }
    String[][] forms = {
      {"TimeZone", "TIME", "ZONE"},
      {"session_authorization", "SESSION", "AUTHORIZATION"},
      {"transaction_isolation", "TRANSACTION", "ISOLATION", "LEVEL"}
    };
    for (String[] form : forms) {
      if (s.isWord(form[1])) {
        for (int i = 2; i < form.length; i++) {
          s.next();
          if (!s.isWord(form[i])) {
            throw syntax(statement, s, null);
          }
        }
        expectEnd(s, statement);
        return new Command(Type.RESET, null, form[0], null, null);
      }
    }
    if (s.kind() == SqlScanner.Kind.WORD && !Character.isDigit(s.text().charAt(0))) {
      // A parameter's name may be qualified (myapp.setting); it is not an identifier to truncate.
      StringBuilder name = new StringBuilder(foldAscii(s.text()));
      SqlScanner.Kind k = s.next();
      while (k == SqlScanner.Kind.OTHER && s.text().equals(".")) {
        if (s.next() != SqlScanner.Kind.WORD) {
          throw syntax(statement, s, null);
        }
        name.append('.').append(foldAscii(s.text()));
        k = s.next();
      }
      if (k == SqlScanner.Kind.SEMICOLON) {
        k = s.next();
      }
      if (k != SqlScanner.Kind.END) {
        throw syntax(statement, s, null);
      }
      return new Command(Type.RESET, null, name.toString(), null, null);
    }
    throw syntax(statement, s, null);
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
