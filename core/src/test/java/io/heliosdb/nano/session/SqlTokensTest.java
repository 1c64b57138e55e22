package io.heliosdb.nano.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.session.SqlTokens.Kind;
import io.heliosdb.nano.session.SqlTokens.Token;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PostgreSQL's dollar-quoted and E'...' strings are single tokens in {@code ofPostgres} only. */
class SqlTokensTest {
  private static List<String> texts(List<Token> tokens) {
    return tokens.stream().map(Token::text).toList();
  }

  @Test
  void dollarQuotedStringsAreOneToken() {
    List<Token> t = SqlTokens.ofPostgres("SELECT $$it's ::int$$, $a$x$$y$a$, $1::int");
    assertThat(texts(t))
        .containsExactly("SELECT", "$$it's ::int$$", ",", "$a$x$$y$a$", ",", "$1", ":", ":", "int");
    assertThat(t.get(1).kind()).isEqualTo(Kind.STRING);
    assertThat(t.get(3).kind()).isEqualTo(Kind.STRING);
    assertThat(t.get(5).kind()).isEqualTo(Kind.WORD);
  }

  @Test
  void escapeStringsKeepEscapedQuotes() {
    List<Token> t = SqlTokens.ofPostgres("SELECT E'it\\'s', e'a\\\\', name'x' FROM t");
    assertThat(texts(t))
        .containsExactly("SELECT", "E'it\\'s'", ",", "e'a\\\\'", ",", "name", "'x'", "FROM", "t");
    assertThat(t.get(1).kind()).isEqualTo(Kind.STRING);
  }

  @Test
  void sqliteReadingIsUnchanged() {
    assertThat(texts(SqlTokens.of("SELECT $a, E'x'")))
        .containsExactly("SELECT", "$a", ",", "E", "'x'");
  }

  @Test
  void anUnterminatedDollarQuoteRunsToTheEnd() {
    assertThat(texts(SqlTokens.ofPostgres("SELECT $$abc"))).containsExactly("SELECT", "$$abc");
  }
}
