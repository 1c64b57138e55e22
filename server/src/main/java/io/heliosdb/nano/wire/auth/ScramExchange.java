package io.heliosdb.nano.wire.auth;

import io.heliosdb.nano.error.SqlState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * The server's side of one SCRAM-SHA-256 exchange, without channel binding:
 *
 * <pre>
 * client-first   n,,n=...,r=CNONCE              (gs2 flag n or y; no authzid, no m=)
 * server-first   r=CNONCE SNONCE,s=SALT,i=ITERATIONS
 * client-final   c=biws,r=CNONCE SNONCE,p=PROOF
 * server-final   v=SERVER SIGNATURE              (only when the proof is right)
 * </pre>
 *
 * For a user who does not exist the exchange runs the same way against a mock verifier (a salt
 * derived from the user name, keys nobody knows) and fails at the proof, as a wrong password does.
 */
public final class ScramExchange {

  /** The exchange failed: FATAL with this SQLSTATE and message. */
  public static final class Failure extends Exception {
    private final String sqlState;

    Failure(SqlState state, String message) {
      super(message, null, false, false);
      this.sqlState = state.code();
    }

    public String sqlState() {
      return sqlState;
    }
  }

  private final String user;
  private final Scram.Verifier verifier;
  private final boolean mock;
  private final Supplier<String> serverNonce;
  private String gs2Header;
  private String clientFirstBare;
  private String serverFirst;
  private String nonce;

  /**
   * @param verifier the user's verifier, or a mock one for an unknown user ({@code mock} true)
   */
  ScramExchange(String user, Scram.Verifier verifier, boolean mock, Supplier<String> serverNonce) {
    this.user = user;
    this.verifier = verifier;
    this.mock = mock;
    this.serverNonce = serverNonce;
  }

  /** Reads client-first-message and answers server-first-message. */
  String clientFirst(String message) throws Failure {
    if (message.length() < 3 || message.charAt(1) != ',') {
      throw malformed("unexpected channel-binding flag");
    }
    switch (message.charAt(0)) {
      case 'n', 'y' -> {}
      case 'p' ->
          throw new Failure(
              SqlState.PROTOCOL_VIOLATION,
              "malformed SCRAM message: the client selected SCRAM-SHA-256 without channel"
                  + " binding, but the SCRAM message includes channel binding data");
      default -> throw malformed("unexpected channel-binding flag");
    }
    int authzidEnd = message.indexOf(',', 2);
    if (authzidEnd < 0) {
      throw malformed("unexpected end of message");
    }
    if (authzidEnd > 2) {
      throw new Failure(
          SqlState.FEATURE_NOT_SUPPORTED,
          "client uses authorization identity, but it is not supported");
    }
    gs2Header = message.substring(0, authzidEnd + 1);
    clientFirstBare = message.substring(authzidEnd + 1);
    String[] attrs = clientFirstBare.split(",", -1);
    if (attrs.length < 2 || attrs[0].startsWith("m=")) {
      throw malformed(
          attrs.length > 0 && attrs[0].startsWith("m=")
              ? "extensions are not supported"
              : "unexpected end of message");
    }
    // The user name in the message is ignored: the startup packet's user is authenticated.
    if (!attrs[0].startsWith("n=") || !attrs[1].startsWith("r=") || attrs[1].length() < 3) {
      throw malformed("expected attributes n= and r=");
    }
    String clientNonce = attrs[1].substring(2);
    if (!printable(clientNonce)) {
      throw malformed("the client nonce contains an invalid character");
    }
    nonce = clientNonce + serverNonce.get();
    serverFirst =
        "r="
            + nonce
            + ",s="
            + Base64.getEncoder().encodeToString(verifier.salt())
            + ",i="
            + verifier.iterations();
    return serverFirst;
  }

  /** Reads client-final-message: server-final-message when the proof is right. */
  String clientFinal(String message) throws Failure {
    if (serverFirst == null) {
      throw malformed("client-final-message before client-first-message");
    }
    int proofAt = message.lastIndexOf(",p=");
    if (!message.startsWith("c=") || proofAt < 0) {
      throw malformed("expected attributes c=, r= and p=");
    }
    String withoutProof = message.substring(0, proofAt);
    String[] attrs = withoutProof.split(",", -1);
    if (attrs.length < 2 || !attrs[1].startsWith("r=")) {
      throw malformed("expected attributes c=, r= and p=");
    }
    byte[] binding;
    byte[] proof;
    try {
      binding = Base64.getDecoder().decode(attrs[0].substring(2));
      proof = Base64.getDecoder().decode(message.substring(proofAt + 3));
    } catch (IllegalArgumentException e) {
      throw malformed("invalid Base64");
    }
    if (!MessageDigest.isEqual(binding, gs2Header.getBytes(StandardCharsets.UTF_8))) {
      throw new Failure(SqlState.PROTOCOL_VIOLATION, "SCRAM channel binding check failed");
    }
    if (!attrs[1].substring(2).equals(nonce)) {
      throw malformed("unexpected SCRAM nonce");
    }
    if (proof.length != 32) {
      throw malformed("invalid proof length");
    }
    byte[] authMessage =
        (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
    byte[] clientKey = Scram.xor(proof, Scram.hmac(verifier.storedKey(), authMessage));
    boolean right = MessageDigest.isEqual(Scram.sha256(clientKey), verifier.storedKey());
    if (!right || mock) {
      throw new Failure(
          SqlState.INVALID_PASSWORD, "password authentication failed for user \"" + user + "\"");
    }
    return "v=" + Base64.getEncoder().encodeToString(Scram.hmac(verifier.serverKey(), authMessage));
  }

  private static boolean printable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x21 || c > 0x7E || c == ',') {
        return false;
      }
    }
    return true;
  }

  private static Failure malformed(String detail) {
    return new Failure(SqlState.PROTOCOL_VIOLATION, "malformed SCRAM message: " + detail);
  }
}
