package io.heliosdb.nano.session;

/**
 * A minimal SQL token scanner: enough to find statement boundaries and read the few statements
 * HeliosDB handles itself. Knows SQLite's and PostgreSQL's quoting: 'strings' with '' escapes,
 * "identifiers", `identifiers`, [identifiers], -- and /* *&#47; comments; in PostgreSQL mode (for
 * the wire server's translation) also $tag$dollar-quoted$tag$ and E'escape' strings.
 */
final class SqlScanner {
  enum Kind {
    WORD,
    QUOTED_IDENT,
    STRING,
    SEMICOLON,
    OTHER,
    END
  }

  private final String sql;
  private final boolean postgres;
  private int pos;
  private Kind kind;
  private int start;
  private int end;
  private String error;

  SqlScanner(String sql) {
    this(sql, false);
  }

  /**
   * With {@code postgres}, also PostgreSQL's $tag$dollar-quoted$tag$ strings and E'escape' strings
   * (with backslash escapes) are single STRING tokens.
   */
  SqlScanner(String sql, boolean postgres) {
    this.sql = sql;
    this.postgres = postgres;
  }

  /** Advances to the next token and returns its kind. */
  Kind next() {
    skipSpaceAndComments();
    start = pos;
    if (pos >= sql.length()) {
      return kind = Kind.END;
    }
    char c = sql.charAt(pos);
    if (c == ';') {
      pos++;
      return kind = Kind.SEMICOLON;
    }
    if (c == '\'') {
      return kind = quoted('\'', Kind.STRING);
    }
    if (c == '"') {
      return kind = quoted('"', Kind.QUOTED_IDENT);
    }
    if (c == '`') {
      return kind = quoted('`', Kind.QUOTED_IDENT);
    }
    if (c == '[') {
      int close = sql.indexOf(']', pos + 1);
      pos = close < 0 ? sql.length() : close + 1;
      end = pos;
      return kind = Kind.QUOTED_IDENT;
    }
    if (postgres && c == '$') {
      int close = dollarTagEnd(pos);
      if (close > 0) {
        String tag = sql.substring(pos, close);
        int endTag = sql.indexOf(tag, close);
        if (endTag < 0) {
          error = "unterminated dollar-quoted string";
          pos = sql.length();
        } else {
          pos = endTag + tag.length();
        }
        end = pos;
        return kind = Kind.STRING;
      }
    }
    if (postgres
        && (c == 'e' || c == 'E')
        && pos + 1 < sql.length()
        && sql.charAt(pos + 1) == '\''
        && (pos == 0 || !isWordChar(sql.charAt(pos - 1)))) {
      return kind = escapeString();
    }
    if (isWordChar(c)) {
      while (pos < sql.length() && isWordChar(sql.charAt(pos))) {
        pos++;
      }
      end = pos;
      return kind = Kind.WORD;
    }
    pos++;
    end = pos;
    return kind = Kind.OTHER;
  }

  private Kind quoted(char q, Kind k) {
    pos++;
    while (pos < sql.length()) {
      if (sql.charAt(pos) == q) {
        if (pos + 1 < sql.length() && sql.charAt(pos + 1) == q) {
          pos += 2;
          continue;
        }
        pos++;
        end = pos;
        return k;
      }
      pos++;
    }
    error = "unterminated quoted " + (k == Kind.STRING ? "string" : "identifier");
    end = pos;
    return k;
  }

  /** Where a $tag$ starting at {@code at} ends (after its second $), or -1 when there is none. */
  private int dollarTagEnd(int at) {
    int i = at + 1;
    if (i < sql.length() && Character.isDigit(sql.charAt(i))) {
      return -1; // $1: a parameter
    }
    while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
      i++;
    }
    return i < sql.length() && sql.charAt(i) == '$' ? i + 1 : -1;
  }

  /** An E'...' string: a backslash escapes the next character. */
  private Kind escapeString() {
    pos += 2;
    while (pos < sql.length()) {
      char c = sql.charAt(pos);
      if (c == '\\') {
        pos += 2;
      } else if (c == '\'') {
        if (pos + 1 < sql.length() && sql.charAt(pos + 1) == '\'') {
          pos += 2;
          continue;
        }
        pos++;
        end = pos;
        return Kind.STRING;
      } else {
        pos++;
      }
    }
    pos = Math.min(pos, sql.length());
    error = "unterminated quoted string";
    end = pos;
    return Kind.STRING;
  }

  private void skipSpaceAndComments() {
    while (pos < sql.length()) {
      char c = sql.charAt(pos);
      if (Character.isWhitespace(c)) {
        pos++;
      } else if (c == '-' && sql.startsWith("--", pos)) {
        int nl = sql.indexOf('\n', pos);
        pos = nl < 0 ? sql.length() : nl + 1;
      } else if (c == '/' && sql.startsWith("/*", pos)) {
        int close = sql.indexOf("*/", pos + 2);
        pos = close < 0 ? sql.length() : close + 2;
      } else {
        return;
      }
    }
  }

  static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 127;
  }

  Kind kind() {
    return kind;
  }

  /** The current token's text as written. */
  String text() {
    return sql.substring(start, end);
  }

  boolean isWord(String word) {
    return kind == Kind.WORD && text().equalsIgnoreCase(word);
  }

  int start() {
    return start;
  }

  int position() {
    return pos;
  }

  /** A lexical error seen so far (an unterminated quote), or null. */
  String error() {
    return error;
  }

  /** The content of a quoted token with its doubled quotes undone. */
  String unquoted() {
    String t = text();
    if (t.length() < 2) {
      return "";
    }
    char q = t.charAt(0);
    String inner = t.substring(1, t.length() - (t.charAt(t.length() - 1) == q ? 1 : 0));
    if (q == '[') {
      return inner.endsWith("]") ? inner.substring(0, inner.length() - 1) : inner;
    }
    String dq = String.valueOf(q);
    return inner.replace(dq + dq, dq);
  }
}
