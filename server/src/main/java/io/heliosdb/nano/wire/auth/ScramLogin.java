package io.heliosdb.nano.wire.auth;

import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.wire.messages.BackendMessages;
import io.heliosdb.nano.wire.messages.FrontendMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * One SCRAM-SHA-256 login on a connection, between the StartupMessage (which waits here) and the
 * session: the client's two 'p' messages, each answered by the server's.
 *
 * <pre>
 * SASLInitialResponse  cstring mechanism, int32 length, client-first-message
 *                      -> AuthenticationSASLContinue (server-first-message)
 * SASLResponse         client-final-message
 *                      -> AuthenticationSASLFinal (server-final-message); {@link #done()}
 * </pre>
 *
 * A malformed message or a wrong proof is a {@link ScramExchange.Failure} (08P01, 28P01).
 */
public final class ScramLogin {
  private final FrontendMessage.Startup startup;
  private final ScramExchange exchange;
  private boolean started;
  private boolean done;

  public ScramLogin(FrontendMessage.Startup startup, ScramExchange exchange) {
    this.startup = startup;
    this.exchange = exchange;
  }

  /** The StartupMessage the login is for. */
  public FrontendMessage.Startup startup() {
    return startup;
  }

  /** Whether the proof was right and AuthenticationSASLFinal written: the session may start. */
  public boolean done() {
    return done;
  }

  /** Writes the answer to the client's next 'p' message to {@code out}. */
  public void respond(byte[] body, ByteBuf out) throws ScramExchange.Failure {
    if (!started) {
      String serverFirst = exchange.clientFirst(initialResponse(body));
      started = true;
      BackendMessages.authenticationSaslContinue(out, serverFirst);
      return;
    }
    String serverFinal = exchange.clientFinal(new String(body, StandardCharsets.UTF_8));
    BackendMessages.authenticationSaslFinal(out, serverFinal);
    done = true;
  }

  /** The client-first-message of a SASLInitialResponse, its declared length checked. */
  private static String initialResponse(byte[] body) throws ScramExchange.Failure {
    ByteBuf in = Unpooled.wrappedBuffer(body);
    int nul = in.bytesBefore((byte) 0);
    String mechanism = nul < 0 ? "" : in.readCharSequence(nul, StandardCharsets.UTF_8).toString();
    if (!mechanism.equals(Scram.MECHANISM)) {
      throw new ScramExchange.Failure(
          SqlState.PROTOCOL_VIOLATION, "client selected an invalid SASL authentication mechanism");
    }
    in.skipBytes(1);
    if (in.readableBytes() < 4 || in.readInt() != in.readableBytes()) {
      throw new ScramExchange.Failure(SqlState.PROTOCOL_VIOLATION, "invalid message format");
    }
    return in.toString(StandardCharsets.UTF_8);
  }
}
