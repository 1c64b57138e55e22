package io.heliosdb.nano.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ParameterRewriterTest {

  private static String sql(String in) {
    return ParameterRewriter.rewrite(in).sql();
  }

  @Test
  void numberedParametersBecomeSqliteNumberedParametersInAnyOrderAndRepeated() {
    ParameterRewriter.Rewritten r =
        ParameterRewriter.rewrite("SELECT $2, $1 FROM t WHERE a = $1 OR b = $12");
    assertThat(r.sql()).isEqualTo("SELECT ?2, ?1 FROM t WHERE a = ?1 OR b = ?12");
    assertThat(r.parameterCount()).isEqualTo(12);
  }

  @Test
  void textWithoutParametersIsUnchangedAndCountsZero() {
    ParameterRewriter.Rewritten r = ParameterRewriter.rewrite("SELECT 1 -- $1");
    assertThat(r.sql()).isEqualTo("SELECT 1 -- $1");
    assertThat(r.parameterCount()).isZero();
  }

  @Test
  void literalsQuotedIdentifiersAndCommentsAreLeftAlone() {
    assertThat(sql("SELECT '$1', \"$2\", $3 /* $4 */ -- $5\n, $6"))
        .isEqualTo("SELECT '$1', \"$2\", ?3 /* $4 */ -- $5\n, ?6");
    assertThat(sql("SELECT 'it''s $1', $1")).isEqualTo("SELECT 'it''s $1', ?1");
  }

  @Test
  void identifiersContainingDollarAreNotParameters() {
    assertThat(sql("SELECT a$1, $1x FROM t")).isEqualTo("SELECT a$1, $1x FROM t");
  }

  @Test
  void simpleCastAfterAParameterIsDropped() {
    assertThat(sql("SELECT $1::text AS t, $2::int AS i")).isEqualTo("SELECT ?1 AS t, ?2 AS i");
    assertThat(sql("SELECT $1::int4+1")).isEqualTo("SELECT ?1+1");
  }

  @Test
  void castsElsewhereAreKept() {
    assertThat(sql("SELECT x::int, $1 FROM t")).isEqualTo("SELECT x::int, ?1 FROM t");
    assertThat(sql("SELECT $1 ::int")).isEqualTo("SELECT ?1 ::int");
  }
}
