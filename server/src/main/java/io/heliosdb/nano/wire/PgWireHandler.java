package io.heliosdb.nano.wire;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.error.SqlState;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-connection protocol state machine on the event loop, after {@link PgFrameDecoder}:
 *
 * <pre>
 * client                          server
 *   SSLRequest / GSSENCRequest  ->  'N'                      (no TLS yet; client goes on in clear)
 *   CancelRequest(pid, secret)  ->  cancels pid's statement, closes this connection, no reply
 *   StartupMessage 3.0          ->  (trust) AuthenticationOk ParameterStatus* BackendKeyData 'Z'
 *   Query / Sync / Parse ...    ->  handed to the {@link PgSession}, which answers in order
 *   Terminate                   ->  close
 *   unknown type, broken frame  ->  FATAL 08P01, close
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
  private volatile PgSession session;

  PgWireHandler(HeliosDB db, SessionRegistry registry, Executor workers, PgFrameDecoder decoder) {
    this.db = db;
    this.registry = registry;
    this.workers = workers;
    this.decoder = decoder;
  }

  /** The session of this connection, once started; null before (or for cancel connections). */
  PgSession session() {
    return session;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FrontendMessage msg) {
    // Java 17: no pattern matching for switch yet.
    if (session == null && isSessionMessage(msg)) {
      return; // admission failed and the connection is closing
    }
    if (msg instanceof FrontendMessage.Query q) {
      session.query(q.sql());
    } else if (msg instanceof FrontendMessage.Sync) {
      session.sync();
    } else if (isExtendedQuery(msg)) {
      session.extendedQuery(msg);
    } else if (msg instanceof FrontendMessage.Terminate) {
      ctx.close();
    } else if (msg instanceof FrontendMessage.Startup s) {
      startup(ctx, s);
    } else if (msg instanceof FrontendMessage.SslRequest
        || msg instanceof FrontendMessage.GssEncRequest) {
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
    } else if (msg instanceof FrontendMessage.ProtocolViolation v) {
      fatal(ctx, v.sqlState(), v.message());
    }
  }

  private static boolean isSessionMessage(FrontendMessage msg) {
    return msg instanceof FrontendMessage.Query
        || msg instanceof FrontendMessage.Sync
        || isExtendedQuery(msg)
        || msg instanceof FrontendMessage.FunctionCall;
  }

  private static boolean isExtendedQuery(FrontendMessage msg) {
    return msg instanceof FrontendMessage.Parse
        || msg instanceof FrontendMessage.Bind
        || msg instanceof FrontendMessage.Describe
        || msg instanceof FrontendMessage.Execute
        || msg instanceof FrontendMessage.Close
        || msg instanceof FrontendMessage.Flush;
  }

  private void startup(ChannelHandlerContext ctx, FrontendMessage.Startup s) {
    String user = s.parameters().get("user");
    if (user == null || user.isEmpty()) {
      fatal(
          ctx,
          SqlState.INVALID_AUTHORIZATION_SPECIFICATION.code(),
          "no PostgreSQL user name specified in startup packet");
      return;
    }
    if (!registry.tryAdmit()) {
      fatal(
          ctx,
          SqlState.TOO_MANY_CONNECTIONS.code(),
          "too many connections (max_connections = " + registry.maxConnections() + ")");
      return;
    }
    // Trust authentication: authenticated as soon as the startup packet is accepted.
    decoder.authenticated();
    List<String> unknownOptions = new ArrayList<>();
    for (String key : s.parameters().keySet()) {
      if (key.startsWith("_pq_.")) {
        unknownOptions.add(key);
      }
    }
    session = new PgSession(ctx.channel(), db, registry, workers);
    session.start(
        s.parameters(), s.minorVersion() > 0 || !unknownOptions.isEmpty(), unknownOptions);
  }

  /** FATAL and close: after the session's earlier answers when there is a session. */
  private void fatal(ChannelHandlerContext ctx, String sqlState, String message) {
    if (session != null) {
      session.fatal(sqlState, message);
      return;
    }
    ByteBuf b = ctx.alloc().buffer();
    BackendMessages.errorResponse(b, Severity.FATAL, sqlState, message, 0);
    ctx.writeAndFlush(b).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (session != null) {
      session.channelClosed();
    }
    super.channelInactive(ctx);
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
    // Connection resets and the like: no stack trace on the wire, a debug line in the log.
    log.debug("closing connection {} after an error", ctx.channel().remoteAddress(), cause);
    ctx.close();
  }
}
