package io.heliosdb.nano.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import io.heliosdb.nano.error.HeliosSqlException;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer) of what reads SQL text a client sends: the splitter, the
 * statement classifier, the command-tag reader and the parameter rewriter. Whatever the text, they
 * end with a result or a SQL error (never another exception) and their results hold together.
 *
 * <p>{@code ./mvnw verify} replays the committed corpus ({@code SqlTextFuzzTestInputs} in the test
 * resources); {@code bench/fuzz.sh} fuzzes for as long as it is given.
 */
class SqlTextFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void splitClassifyAndRewrite(@NotNull String sql) {
    List<String> statements = SqlSplitter.split(sql);
    int from = 0;
    for (String statement : statements) {
      assertThat(statement).isNotEmpty().isEqualTo(statement.strip());
      int at = sql.indexOf(statement, from);
      assertThat(at).as("statements are pieces of the text, in order").isGreaterThanOrEqualTo(0);
      from = at + statement.length();
      classify(statement);
      CommandTags.of(statement, 1, false);
      ParameterRewriter.Rewritten r = ParameterRewriter.rewrite(statement);
      assertThat(r.parameterCount()).isBetween(0, 99_999);
      if (r.parameterCount() == 0) {
        assertThat(r.sql()).isEqualTo(statement);
      }
    }
    SqlSplitter.isComplete(sql);
  }

  private static void classify(String statement) {
    try {
      Command c = Command.parse(statement);
      if (c.isNotificationStatement() && c.type() != Command.Type.UNLISTEN_ALL) {
        assertThat(c.channel()).isNotNull();
        assertThat(c.channel().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
            .isLessThanOrEqualTo(Command.MAX_IDENTIFIER_BYTES);
      }
    } catch (HeliosSqlException e) {
      assertThat(e.getSQLState()).hasSize(5);
    }
  }
}
