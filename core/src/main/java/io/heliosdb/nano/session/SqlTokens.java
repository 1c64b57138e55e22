package io.heliosdb.nano.session;

import java.util.ArrayList;
import java.util.List;

/**
 * A statement's tokens with their positions, as {@link SqlScanner} reads them: for front ends that
 * look for names in SQL text (catalog references, keywords) without being fooled by string
 * literals, quoted identifiers or comments, which are single tokens here (comments are skipped).
 */
public final class SqlTokens {
  /** What a token is. */
  public enum Kind {
    /** A bare word: keyword, identifier, number, {@code $1}. */
    WORD,
    /** A "quoted", `quoted` or [quoted] identifier. */
    QUOTED_IDENT,
    /** A 'string' literal. */
    STRING,
    /** Any other single character: punctuation or an operator character. */
    OTHER
  }

  /**
   * One token: {@code text} is as written, {@code start} and {@code end} its bounds in the text.
   */
  public record Token(Kind kind, String text, int start, int end) {
    /** Whether this is the bare word {@code word}, in any case. */
    public boolean isWord(String word) {
      return kind == Kind.WORD && text.equalsIgnoreCase(word);
    }

    /** Whether this is the single character {@code c} outside any quotes. */
    public boolean is(char c) {
      return kind == Kind.OTHER && text.length() == 1 && text.charAt(0) == c;
    }

    /** An identifier's name: a bare word as written, a quoted one without its quotes. */
    public String name() {
      if (kind != Kind.QUOTED_IDENT || text.length() < 2) {
        return text;
      }
      String inner = text.substring(1, text.length() - 1);
      return text.charAt(0) == '"' ? inner.replace("\"\"", "\"") : inner;
    }
  }

  private SqlTokens() {}

  /** The tokens of {@code sql} in order; a semicolon is an {@link Kind#OTHER} token. */
  public static List<Token> of(String sql) {
    return scan(new SqlScanner(sql), sql);
  }

  /**
   * The tokens of {@code sql} read as PostgreSQL reads it: also $tag$dollar-quoted$tag$ and
   * E'escape' strings are single {@link Kind#STRING} tokens.
   */
  public static List<Token> ofPostgres(String sql) {
    return scan(new SqlScanner(sql, true), sql);
  }

  private static List<Token> scan(SqlScanner s, String sql) {
    List<Token> tokens = new ArrayList<>();
    for (SqlScanner.Kind k = s.next(); k != SqlScanner.Kind.END; k = s.next()) {
      Kind kind =
          switch (k) {
            case WORD -> Kind.WORD;
            case QUOTED_IDENT -> Kind.QUOTED_IDENT;
            case STRING -> Kind.STRING;
            default -> Kind.OTHER;
          };
      tokens.add(new Token(kind, sql.substring(s.start(), s.position()), s.start(), s.position()));
    }
    return tokens;
  }
}
