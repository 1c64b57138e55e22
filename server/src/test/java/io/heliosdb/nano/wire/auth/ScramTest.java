package io.heliosdb.nano.wire.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The SCRAM-SHA-256 math against RFC 7677's example, and the exchange's failures. */
class ScramTest {
  // RFC 7677, section 3: user "user", password "pencil".
  private static final String CLIENT_FIRST = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
  private static final String SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
  private static final String SALT = "W22ZaJ0SNY7soEsUEjb6gQ==";
  private static final String SERVER_FIRST =
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
  private static final String CLIENT_FINAL =
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
          + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
  private static final String SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

  private static Scram.Verifier pencil() {
    return Scram.verifier("pencil", Base64.getDecoder().decode(SALT), 4096);
  }

  @Test
  void rfc7677ExampleGivesTheServerFinalMessage() throws Exception {
    ScramExchange x = new ScramExchange("user", pencil(), false, () -> SERVER_NONCE);
    assertThat(x.clientFirst(CLIENT_FIRST)).isEqualTo(SERVER_FIRST);
    assertThat(x.clientFinal(CLIENT_FINAL)).isEqualTo(SERVER_FINAL);
  }

  @Test
  void rfc7677ClientProofFromThePassword() {
    byte[] salted = Scram.saltedPassword("pencil", Base64.getDecoder().decode(SALT), 4096);
    byte[] clientKey = Scram.hmac(salted, "Client Key");
    String authMessage =
        "n=user,r=rOprNGfwEbeRWgbNEkqO,"
            + SERVER_FIRST
            + ",c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    byte[] signature = Scram.hmac(Scram.sha256(clientKey), authMessage);
    assertThat(Base64.getEncoder().encodeToString(Scram.xor(clientKey, signature)))
        .isEqualTo("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  }

  @Test
  void verifierRoundTripsThroughPostgresFormat() {
    Scram.Verifier v = pencil();
    assertThat(v.text()).startsWith("SCRAM-SHA-256$4096:" + SALT + "$");
    Scram.Verifier back = Scram.Verifier.parse(v.text());
    assertThat(back.text()).isEqualTo(v.text());
    assertThat(Scram.verifier("x").text()).matches("SCRAM-SHA-256\\$4096:.{24}\\$.{44}:.{44}");
  }

  @Test
  void verifierParseRejectsOtherFormats() {
    assertThatThrownBy(() -> Scram.Verifier.parse("pencil"))
        .hasMessageContaining("not a SCRAM-SHA-256 verifier");
    assertThatThrownBy(() -> Scram.Verifier.parse("SCRAM-SHA-256$4096:c2FsdA==$AAAA:AAAA"))
        .hasMessageContaining("32 bytes");
  }

  @Test
  void wrongProofFailsWith28P01() throws Exception {
    ScramExchange x = new ScramExchange("user", pencil(), false, () -> SERVER_NONCE);
    x.clientFirst(CLIENT_FIRST);
    String tampered = CLIENT_FINAL.replace("p=dHzb", "p=dHzc");
    assertThat(failure(() -> x.clientFinal(tampered)))
        .isEqualTo("28P01 password authentication failed for user \"user\"");
  }

  @Test
  void mockExchangeFailsEvenWithTheRightProof() throws Exception {
    ScramExchange x = new ScramExchange("user", pencil(), true, () -> SERVER_NONCE);
    x.clientFirst(CLIENT_FIRST);
    assertThatThrownBy(() -> x.clientFinal(CLIENT_FINAL))
        .hasMessage("password authentication failed for user \"user\"");
  }

  @Test
  void unknownUserGetsAStableSaltAndTheSameFailure() throws Exception {
    Authentication auth = Authentication.scram(java.util.Map.of("user", pencil()));
    String first1 = auth.exchange("ghost").clientFirst(CLIENT_FIRST);
    String first2 = auth.exchange("ghost").clientFirst(CLIENT_FIRST);
    assertThat(salt(first1)).isEqualTo(salt(first2)).isNotEqualTo(SALT);
    assertThat(first1).endsWith(",i=4096");
  }

  @Test
  void channelBindingAndMalformedMessagesAre08P01() {
    ScramExchange x = new ScramExchange("user", pencil(), false, () -> SERVER_NONCE);
    assertThat(failure(() -> x.clientFirst("p=tls-server-end-point,,n=,r=abc")))
        .startsWith("08P01 malformed SCRAM message");
    assertThat(failure(() -> x.clientFirst("garbage"))).startsWith("08P01 malformed");
    assertThatThrownBy(() -> x.clientFinal("c=biws,r=x,p=AAAA"))
        .hasMessageContaining("malformed SCRAM message");
  }

  @Test
  void wrongNonceInClientFinalIsRefused() throws Exception {
    ScramExchange x = new ScramExchange("user", pencil(), false, () -> SERVER_NONCE);
    x.clientFirst(CLIENT_FIRST);
    String other = CLIENT_FINAL.replace("k0,p=", "k1,p=");
    assertThatThrownBy(() -> x.clientFinal(other)).hasMessageContaining("nonce");
    assertThat("biws")
        .isEqualTo(Base64.getEncoder().encodeToString("n,,".getBytes(StandardCharsets.UTF_8)));
  }

  /** "SQLSTATE message" of the failure {@code call} throws. */
  private static String failure(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    ScramExchange.Failure f =
        org.assertj.core.api.Assertions.catchThrowableOfType(ScramExchange.Failure.class, call);
    assertThat(f).as("a SCRAM failure").isNotNull();
    return f.sqlState() + " " + f.getMessage();
  }

  private static String salt(String serverFirst) {
    return serverFirst.split(",")[1];
  }
}
