package io.heliosdb.nano.wire;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.net.AuthThrottle;
import io.heliosdb.nano.wire.auth.Authentication;
import io.heliosdb.nano.wire.auth.Scram;
import io.heliosdb.nano.wire.auth.ScramExchange;
import io.heliosdb.nano.wire.auth.ScramLogin;
import io.heliosdb.nano.wire.limits.SessionLimits;
import io.heliosdb.nano.wire.messages.BackendMessages;
import io.heliosdb.nano.wire.messages.FrontendMessage;
import io.heliosdb.nano.wire.messages.MessageTypes;
import io.heliosdb.nano.wire.messages.PgFrameDecoder;
import io.heliosdb.nano.wire.messages.Severity;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-connection protocol state machine on the event loop, after {@link PgFrameDecoder}:
 *
 * <pre>
 * client                          server
 *   SSLRequest                  ->  'S' with TLS configured: the TLS handshake follows, then
 *                                   everything (StartupMessage on) goes through it; else 'N'
 *   GSSENCRequest               ->  'N'                      (the client goes on in clear)
 *   CancelRequest(pid, secret)  ->  cancels pid's statement, closes this connection, no reply
 *   StartupMessage 3.0          ->  (require_tls, clear connection) FATAL 28000, close
 *                               ->  (trust) AuthenticationOk ParameterStatus* BackendKeyData 'Z'
 *                               ->  (scram-sha-256) AuthenticationSASL [SCRAM-SHA-256]
 *   SASLInitialResponse         ->  AuthenticationSASLContinue (server-first-message)
 *   SASLResponse                ->  AuthenticationSASLFinal, then as trust from AuthenticationOk;
 *                                   a wrong password or unknown user: FATAL 28P01, close
 *   Query / Sync / Parse ...    ->  handed to the {@link PgSession}, which answers in order
 *   Terminate                   ->  close
 *   unknown type, broken frame  ->  FATAL 08P01, close
 *   SSLRequest inside TLS       ->  FATAL 0A000 (as PostgreSQL 15), close
 *   (not authenticated within authentication_timeout of connecting)  ->  close, no message
 * </pre>
 *
 * Nothing here blocks: the session runs JDBC work on its serial executor.
 */
public final class PgWireHandler extends SimpleChannelInboundHandler<FrontendMessage> {
  private static final Logger log = LoggerFactory.getLogger(PgWireHandler.class);

  private final HeliosDB db;
  private final SessionRegistry registry;
  private final Executor workers;
  private final PgFrameDecoder decoder;
  private final Authentication authentication;
  private final SslContext tls;
  private final boolean requireTls;
  private final SessionLimits limits;
  private final AuthThrottle throttle;
  private final PreparedMemory prepared;
  private boolean encrypted;
  private volatile PgSession session;

  /** SCRAM-SHA-256 in progress (event loop only): the startup packet waits in it. */
  private ScramLogin login;

  private boolean failed;
  private boolean admitted;
  private ScheduledFuture<?> authTimeout;

  PgWireHandler(
      HeliosDB db,
      SessionRegistry registry,
      Executor workers,
      PgFrameDecoder decoder,
      Authentication authentication) {
    this(
        db,
        registry,
        workers,
        decoder,
        WireServer.Options.loopback(0).with(authentication),
        new AuthThrottle(),
        PreparedMemory.UNBOUNDED);
  }

  PgWireHandler(
      HeliosDB db,
      SessionRegistry registry,
      Executor workers,
      PgFrameDecoder decoder,
      WireServer.Options options,
      AuthThrottle throttle,
      PreparedMemory prepared) {
    this.db = db;
    this.registry = registry;
    this.workers = workers;
    this.decoder = decoder;
    this.authentication = options.authentication();
    this.tls = options.tls();
    this.requireTls = options.requireTls();
    this.limits = options.limits();
    this.throttle = throttle;
    this.prepared = prepared;
  }

  /** The session of this connection, once started; null before (or for cancel connections). */
  PgSession session() {
    return session;
  }

  /**
   * authentication_timeout starts at connect: a client that sends nothing, stops in the TLS
   * handshake or in the password exchange is disconnected when it runs out.
   */
  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    authTimeout =
        ctx.executor()
            .schedule(
                authenticationTimedOut(ctx),
                limits.authenticationTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
    super.channelActive(ctx);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FrontendMessage msg) {
    // Java 17: no pattern matching for switch yet.
    if (failed) {
      return; // FATAL sent, the connection is closing
    }
    if (login != null) {
      authenticating(ctx, msg);
      return;
    }
    if (session == null && FrontendMessage.isSessionMessage(msg)) {
      return; // admission failed and the connection is closing
    }
    if (msg instanceof FrontendMessage.Query q) {
      session.query(q.sql());
    } else if (msg instanceof FrontendMessage.Sync) {
      session.sync();
    } else if (FrontendMessage.isExtendedQuery(msg)) {
      session.extendedQuery(msg);
    } else if (msg instanceof FrontendMessage.Terminate) {
      ctx.close();
    } else if (msg instanceof FrontendMessage.Startup s) {
      startup(ctx, s);
    } else if (msg instanceof FrontendMessage.SslRequest) {
      sslRequest(ctx);
    } else if (msg instanceof FrontendMessage.GssEncRequest) {
      ByteBuf b = ctx.alloc().buffer(1);
      BackendMessages.encryptionRefused(b);
      ctx.writeAndFlush(b);
    } else if (msg instanceof FrontendMessage.CancelRequest c) {
      registry.cancel(c.pid(), c.secret());
      ctx.close();
    } else if (msg instanceof FrontendMessage.FunctionCall) {
      session.functionCall();
    } else if (msg instanceof FrontendMessage.Unknown u) {
      fatal(
          ctx,
          SqlState.PROTOCOL_VIOLATION.code(),
          "invalid frontend message type " + (u.type() & 0xFF));
    } else if (msg instanceof FrontendMessage.Password) {
      fatal(
          ctx,
          SqlState.PROTOCOL_VIOLATION.code(),
          "invalid frontend message type " + MessageTypes.PASSWORD_MESSAGE);
    } else if (msg instanceof FrontendMessage.ProtocolViolation v) {
      fatal(ctx, v.sqlState(), v.message());
    }
  }

  /**
   * SSLRequest: 'N' without TLS; with TLS, 'S' in clear, then the SslHandler goes to the front of
   * the pipeline, and bytes the client sent after the request reach it (not the frame decoder). A
   * second SSLRequest inside TLS is answered as PostgreSQL 15 does: FATAL 0A000.
   */
  private void sslRequest(ChannelHandlerContext ctx) {
    if (encrypted) {
      // PostgreSQL reads it as a startup packet of protocol 1234.5679 (the request code).
      fatal(
          ctx,
          SqlState.FEATURE_NOT_SUPPORTED.code(),
          "unsupported frontend protocol 1234.5679: server supports 3.0 to 3.0");
      return;
    }
    ByteBuf b = ctx.alloc().buffer(1);
    if (tls == null) {
      BackendMessages.encryptionRefused(b);
      ctx.writeAndFlush(b);
      return;
    }
    BackendMessages.encryptionAccepted(b);
    ctx.writeAndFlush(b); // on the event loop: reaches the socket's buffer before TLS is in place
    encrypted = true;
    SslHandler handler = tls.newHandler(ctx.alloc());
    ctx.pipeline().addFirst(TLS_HANDLER, handler);
    decoder.startTls(ctx.pipeline().context(handler));
  }

  /** The name of the SslHandler in the pipeline, once TLS has started. */
  static final String TLS_HANDLER = "tls";

  private void startup(ChannelHandlerContext ctx, FrontendMessage.Startup s) {
    if (requireTls && !encrypted) {
      fatal(
          ctx,
          SqlState.INVALID_AUTHORIZATION_SPECIFICATION.code(),
          "this server accepts encrypted connections only (require_tls = true): connect with"
              + " TLS (sslmode=require)");
      return;
    }
    String user = s.parameters().get("user");
    if (user == null || user.isEmpty()) {
      fatal(
          ctx,
          SqlState.INVALID_AUTHORIZATION_SPECIFICATION.code(),
          "no PostgreSQL user name specified in startup packet");
      return;
    }
    if (authentication.method() == Authentication.Method.SCRAM_SHA_256) {
      // As in PostgreSQL, a connection in authentication holds a slot, for a limited time.
      if (!tryAdmit(ctx)) {
        return;
      }
      login = new ScramLogin(s, authentication.exchange(user));
      ByteBuf b = ctx.alloc().buffer();
      BackendMessages.authenticationSasl(b, List.of(Scram.MECHANISM));
      ctx.writeAndFlush(b);
      return;
    }
    admit(ctx, s);
  }

  /** A message while the SCRAM exchange runs: only SASL responses (and Terminate) are expected. */
  private void authenticating(ChannelHandlerContext ctx, FrontendMessage msg) {
    if (msg instanceof FrontendMessage.Password p) {
      try {
        sasl(ctx, p.body());
      } catch (ScramExchange.Failure f) {
        refuse(ctx, f);
      }
    } else if (msg instanceof FrontendMessage.Terminate) {
      ctx.close();
    } else if (msg instanceof FrontendMessage.ProtocolViolation v) {
      fatal(ctx, v.sqlState(), v.message());
    } else {
      fatal(
          ctx,
          SqlState.PROTOCOL_VIOLATION.code(),
          "expected SASL response, got " + FrontendMessage.describe(msg));
    }
  }

  /** SASLInitialResponse, then SASLResponse; the session starts when the proof is right. */
  private void sasl(ChannelHandlerContext ctx, byte[] body) throws ScramExchange.Failure {
    ByteBuf b = ctx.alloc().buffer();
    try {
      login.respond(body, b);
    } catch (ScramExchange.Failure f) {
      b.release();
      throw f;
    }
    if (!login.done()) {
      ctx.writeAndFlush(b);
      return;
    }
    ctx.write(b);
    FrontendMessage.Startup s = login.startup();
    login = null;
    admit(ctx, s);
  }

  /**
   * FATAL for a failed exchange; a wrong password (28P01) after the client address's throttle
   * delay, scheduled on the event loop (never waited for on it). Nothing more is read meanwhile.
   */
  private void refuse(ChannelHandlerContext ctx, ScramExchange.Failure f) {
    Duration wait =
        f.sqlState().equals(SqlState.INVALID_PASSWORD.code())
            ? throttle.failed(ctx.channel().remoteAddress())
            : Duration.ZERO;
    if (wait.isZero()) {
      fatal(ctx, f.sqlState(), f.getMessage());
      return;
    }
    failed = true;
    ctx.executor()
        .schedule(
            () -> fatal(ctx, f.sqlState(), f.getMessage()), wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A slot among max_connections, or FATAL 53300; false when refused. */
  private boolean tryAdmit(ChannelHandlerContext ctx) {
    if (!registry.tryAdmit()) {
      fatal(
          ctx,
          SqlState.TOO_MANY_CONNECTIONS.code(),
          "too many connections (" + registry.describeLimit() + ")");
      return false;
    }
    admitted = true;
    return true;
  }

  /**
   * authentication_timeout: the client did not finish in time. PostgreSQL closes the connection
   * without a message to the client; so does this.
   */
  private Runnable authenticationTimedOut(ChannelHandlerContext ctx) {
    return () -> {
      if (session == null && !failed) {
        log.debug("closing {}: authentication timed out", ctx.channel().remoteAddress());
        failed = true;
        ctx.close();
      }
    };
  }

  /** Authenticated: admit the session (or refuse it, 53300) and greet the client. */
  private void admit(ChannelHandlerContext ctx, FrontendMessage.Startup s) {
    if (authTimeout != null) {
      authTimeout.cancel(false);
    }
    if (!admitted && !tryAdmit(ctx)) {
      return;
    }
    decoder.authenticated();
    List<String> unknownOptions = new ArrayList<>();
    for (String key : s.parameters().keySet()) {
      if (key.startsWith("_pq_.")) {
        unknownOptions.add(key);
      }
    }
    session = new PgSession(ctx.channel(), db, registry, workers, limits, prepared);
    session.start(
        s.parameters(), s.minorVersion() > 0 || !unknownOptions.isEmpty(), unknownOptions);
  }

  /** FATAL and close: after the session's earlier answers when there is a session. */
  private void fatal(ChannelHandlerContext ctx, String sqlState, String message) {
    if (session != null) {
      session.fatal(sqlState, message);
      return;
    }
    failed = true;
    ByteBuf b = ctx.alloc().buffer();
    BackendMessages.errorResponse(b, Severity.FATAL, sqlState, message, 0);
    ctx.writeAndFlush(b).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (authTimeout != null) {
      authTimeout.cancel(false);
    }
    if (session != null) {
      session.channelClosed();
    } else if (admitted) {
      admitted = false;
      registry.release(); // closed during authentication; a session releases its own slot
    }
    super.channelInactive(ctx);
  }

  /**
   * A half-closed client (FIN after its last messages; the server allows half closure) gets the
   * answers to what it sent, then the connection closes; before a session there is nothing to say.
   */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof ChannelInputShutdownEvent) {
      if (session != null) {
        session.inputClosed();
      } else {
        ctx.close();
      }
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (session != null) {
      session.writabilityChanged();
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (isClientSide(cause)) {
      // Connection resets, TLS garbage: the client's doing, a debug line in the log.
      log.debug("closing connection {} after an error", ctx.channel().remoteAddress(), cause);
    } else {
      // Anything else is ours to fix (the decoder checks what clients send): say so loudly.
      log.warn(
          "closing connection {} after an unexpected error", ctx.channel().remoteAddress(), cause);
    }
    ctx.close();
  }

  private static boolean isClientSide(Throwable cause) {
    return cause instanceof IOException
        || cause instanceof NotSslRecordException
        || (cause instanceof DecoderException && cause.getCause() instanceof SSLException);
  }
}
