package io.heliosdb.nano.wire.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing (Jazzer) of the SCRAM exchange, the part of authentication that reads a
 * client's bytes before a session exists: whatever the client-first and client-final messages, they
 * end in a server message or a SCRAM failure, never another exception, and only the right proof is
 * answered. The frame decoder and the whole login are fuzzed by {@code wire.WireDecodersFuzzTest}.
 *
 * <p>{@code ./mvnw verify} replays the committed corpus ({@code ScramExchangeFuzzTestInputs} in the
 * test resources); {@code bench/fuzz.sh} fuzzes it for as long as it is given.
 */
class ScramExchangeFuzzTest {
  private static final Scram.Verifier ANN = Scram.verifier("s3cret");

  @FuzzTest(maxDuration = "2m")
  void scramExchange(FuzzedDataProvider data) {
    ScramExchange exchange = new ScramExchange("ann", ANN, false, () -> "SERVERNONCE");
    try {
      String serverFirst = exchange.clientFirst(data.consumeString(512));
      assertThat(serverFirst).startsWith("r=").endsWith(",i=" + ANN.iterations());
      String serverFinal = exchange.clientFinal(data.consumeRemainingAsString());
      assertThat(serverFinal).as("only the right proof is answered").startsWith("v=");
    } catch (ScramExchange.Failure f) {
      assertThat(f.sqlState()).isIn("08P01", "0A000", "28P01");
    }
  }
}
