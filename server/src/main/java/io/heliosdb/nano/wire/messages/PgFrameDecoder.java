package io.heliosdb.nano.wire.messages;

import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.wire.limits.MessageMemory;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts the client's byte stream into {@link FrontendMessage}s.
 *
 * <pre>
 * STARTUP   int32 length (itself included, at most 10,000), int32 code, body:
 *             SSLRequest / GSSENCRequest      -> stay in STARTUP (the client asks again or starts)
 *             CancelRequest: int32 pid, int32 secret -> DISCARD (the connection is only for that)
 *             StartupMessage 3.x: (cstring key, cstring value)*, \0 -> MESSAGES
 * MESSAGES  byte type, int32 length (itself included), body of length - 4 bytes; the body is
 *           capped at 10,000 bytes until {@link #authenticated()}, then at the configured maximum,
 *           and buffered only as its bytes arrive; inside a body every declared count and length
 *           is checked against the bytes present before it sizes an array ({@link MessageBody});
 *           'p' (SASLInitialResponse, SASLResponse, PasswordMessage) is handed on raw
 * DISCARD   every byte is dropped: after a protocol violation or a CancelRequest
 * </pre>
 *
 * A violation (bad length, oversized packet, unknown protocol version, malformed startup packet) is
 * handed on as {@link FrontendMessage.ProtocolViolation}; the handler answers FATAL and closes.
 * Copy messages outside COPY are dropped, as PostgreSQL does.
 */
public final class PgFrameDecoder extends ByteToMessageDecoder {
  /** PostgreSQL's MAX_STARTUP_PACKET_LENGTH. */
  public static final int MAX_STARTUP_PACKET_BYTES = 10_000;

  /** The body limit before authentication has completed. */
  public static final int MAX_UNAUTHENTICATED_MESSAGE_BYTES = 10_000;

  /** The default body limit once authenticated: 16 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  enum State {
    STARTUP,
    MESSAGES,
    DISCARD
  }

  private final int maxMessageBytes;
  private final MessageMemory memory;
  private State state = State.STARTUP;
  private boolean authenticated;

  /** Taken from {@link #memory} for the message being received; 0 for a small one. */
  private long reservedBytes;

  /** What the cumulation buffer holds after the last read, for the metrics (any thread). */
  private volatile int bufferedBytes;

  public PgFrameDecoder(int maxMessageBytes) {
    this(maxMessageBytes, MessageMemory.UNBOUNDED);
  }

  /** Messages larger than a socket read reserve their length in {@code memory}, or get 53200. */
  public PgFrameDecoder(int maxMessageBytes, MessageMemory memory) {
    if (maxMessageBytes < MAX_UNAUTHENTICATED_MESSAGE_BYTES) {
      throw new IllegalArgumentException(
          "maxMessageBytes must be at least " + MAX_UNAUTHENTICATED_MESSAGE_BYTES);
    }
    this.maxMessageBytes = maxMessageBytes;
    this.memory = memory;
  }

  /** Bytes received and not yet decoded: part of a message, or messages not yet read. */
  public int bufferedBytes() {
    return bufferedBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    super.channelRead(ctx, msg);
    bufferedBytes = actualReadableBytes();
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    releaseMemory();
    bufferedBytes = 0;
  }

  /** Reserves a large message's length once, before its body is buffered; false: no room. */
  private boolean reserveMemory(int bodyBytes) {
    if (bodyBytes <= MessageMemory.RESERVE_ABOVE || reservedBytes > 0) {
      return true;
    }
    if (!memory.tryReserve(bodyBytes)) {
      return false;
    }
    reservedBytes = bodyBytes;
    return true;
  }

  private void releaseMemory() {
    if (reservedBytes > 0) {
      memory.release(reservedBytes);
      reservedBytes = 0;
    }
  }

  /**
   * TLS has started: the SslHandler at {@code tls} is in the pipeline before this decoder. Bytes
   * the client sent after its SSLRequest and that this decoder already holds belong to the TLS
   * stream: they go to the SslHandler now, ahead of anything the socket delivers later. Call on the
   * event loop, while the SSLRequest is being handled.
   */
  public void startTls(ChannelHandlerContext tls) {
    ByteBuf held = internalBuffer();
    if (!held.isReadable()) {
      return;
    }
    ByteBuf bytes = held.readBytes(held.readableBytes());
    try {
      ((ChannelInboundHandler) tls.handler()).channelRead(tls, bytes);
    } catch (Exception e) {
      tls.fireExceptionCaught(e);
    }
  }

  /** Lifts the body limit to the configured maximum; call on the channel's event loop. */
  public void authenticated() {
    authenticated = true;
  }

  State state() {
    return state;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    switch (state) {
      case STARTUP -> decodeStartup(in, out);
      case MESSAGES -> decodeMessage(in, out);
      case DISCARD -> in.skipBytes(in.readableBytes());
    }
  }

  private void decodeStartup(ByteBuf in, List<Object> out) {
    if (in.readableBytes() < 4) {
      return;
    }
    int length = in.getInt(in.readerIndex());
    if (length < 8 || length > MAX_STARTUP_PACKET_BYTES) {
      violation(in, out, SqlState.PROTOCOL_VIOLATION, "invalid length of startup packet");
      return;
    }
    if (in.readableBytes() < length) {
      return;
    }
    ByteBuf body = in.readSlice(length).skipBytes(4);
    int code = body.readInt();
    switch (code) {
      case MessageTypes.SSL_REQUEST -> out.add(new FrontendMessage.SslRequest());
      case MessageTypes.GSSENC_REQUEST -> out.add(new FrontendMessage.GssEncRequest());
      case MessageTypes.CANCEL_REQUEST -> {
        if (body.readableBytes() != 8) {
          violation(in, out, SqlState.PROTOCOL_VIOLATION, "invalid length of cancel request");
          return;
        }
        state = State.DISCARD;
        out.add(new FrontendMessage.CancelRequest(body.readInt(), body.readInt()));
      }
      default -> startup(code, body, in, out);
    }
  }

  private void startup(int code, ByteBuf body, ByteBuf in, List<Object> out) {
    int major = code >>> 16;
    int minor = code & 0xFFFF;
    if (major != 3) {
      violation(
          in,
          out,
          SqlState.FEATURE_NOT_SUPPORTED,
          "unsupported frontend protocol " + major + "." + minor + ": server supports 3.0 to 3.0");
      return;
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    while (true) {
      String key = cstring(body);
      String value = key == null || key.isEmpty() ? "" : cstring(body);
      if (key == null || value == null) {
        violation(
            in,
            out,
            SqlState.PROTOCOL_VIOLATION,
            "invalid startup packet layout: expected terminator as last byte");
        return;
      }
      if (key.isEmpty()) {
        break;
      }
      parameters.put(key, value);
    }
    state = State.MESSAGES;
    out.add(new FrontendMessage.Startup(minor, parameters));
  }

  private void decodeMessage(ByteBuf in, List<Object> out) {
    if (in.readableBytes() < 5) {
      return;
    }
    byte type = in.getByte(in.readerIndex());
    if (type == 0) {
      // No message type is 0: a startup packet (SSLRequest, StartupMessage) after the startup.
      violation(
          in,
          out,
          SqlState.PROTOCOL_VIOLATION,
          "invalid frontend message type 0: a startup packet (SSLRequest?) after the startup");
      return;
    }
    int length = in.getInt(in.readerIndex() + 1);
    if (length < 4) {
      violation(in, out, SqlState.PROTOCOL_VIOLATION, "invalid message length");
      return;
    }
    int limit = authenticated ? maxMessageBytes : MAX_UNAUTHENTICATED_MESSAGE_BYTES;
    if (length - 4 > limit) {
      violation(
          in,
          out,
          SqlState.PROTOCOL_VIOLATION,
          "message too long: " + (length - 4) + " bytes, the limit is " + limit);
      return;
    }
    if (!reserveMemory(length - 4)) {
      violation(
          in,
          out,
          SqlState.OUT_OF_MEMORY,
          "out of memory: a message of "
              + (length - 4)
              + " bytes does not fit in what the memory budget leaves for messages being received"
              + " ("
              + memory.reserved()
              + " of "
              + memory.capacity()
              + " bytes taken; memory_limit_mb)");
      return;
    }
    if (in.readableBytes() < 1 + length) {
      return;
    }
    in.skipBytes(5);
    ByteBuf body = in.readSlice(length - 4);
    releaseMemory();
    switch (type) {
      case MessageTypes.PASSWORD_MESSAGE -> {
        byte[] bytes = new byte[body.readableBytes()];
        body.readBytes(bytes);
        out.add(new FrontendMessage.Password(bytes));
      }
      case MessageTypes.TERMINATE -> out.add(new FrontendMessage.Terminate());
      case MessageTypes.FUNCTION_CALL -> out.add(new FrontendMessage.FunctionCall());
      case MessageTypes.COPY_DATA, MessageTypes.COPY_DONE, MessageTypes.COPY_FAIL -> {
        // Outside COPY these are ignored: a COPY failed and the client is still sending data.
      }
      case MessageTypes.QUERY,
          MessageTypes.SYNC,
          MessageTypes.PARSE,
          MessageTypes.BIND,
          MessageTypes.DESCRIBE,
          MessageTypes.EXECUTE,
          MessageTypes.CLOSE,
          MessageTypes.FLUSH -> {
        try {
          MessageBody reader = new MessageBody(body);
          FrontendMessage m = read(type, reader);
          reader.end();
          out.add(m);
        } catch (MessageBody.Malformed e) {
          violation(in, out, SqlState.PROTOCOL_VIOLATION, e.getMessage());
        }
      }
      default -> out.add(new FrontendMessage.Unknown(type));
    }
  }

  /**
   * A query or extended-protocol message from its body, each declared count and length checked
   * against the bytes present before it sizes anything.
   */
  private static FrontendMessage read(byte type, MessageBody body) throws MessageBody.Malformed {
    switch (type) {
      case MessageTypes.QUERY -> {
        return new FrontendMessage.Query(body.cstring());
      }
      case MessageTypes.SYNC -> {
        return new FrontendMessage.Sync();
      }
      case MessageTypes.FLUSH -> {
        return new FrontendMessage.Flush();
      }
      case MessageTypes.PARSE -> {
        String name = body.cstring();
        String sql = body.cstring();
        int[] types = new int[body.count(4)];
        for (int i = 0; i < types.length; i++) {
          types[i] = body.int32();
        }
        return new FrontendMessage.Parse(name, sql, types);
      }
      case MessageTypes.BIND -> {
        String portal = body.cstring();
        String statement = body.cstring();
        short[] formats = shorts(body);
        byte[][] values = new byte[body.count(4)][];
        for (int i = 0; i < values.length; i++) {
          int length = body.int32();
          values[i] = length == -1 ? null : body.bytes(length);
        }
        short[] resultFormats = shorts(body);
        return new FrontendMessage.Bind(portal, statement, formats, values, resultFormats);
      }
      case MessageTypes.DESCRIBE, MessageTypes.CLOSE -> {
        byte kind = body.int8();
        String name = body.cstring();
        if (kind != MessageTypes.KIND_STATEMENT && kind != MessageTypes.KIND_PORTAL) {
          throw new MessageBody.Malformed(
              "invalid "
                  + (type == MessageTypes.DESCRIBE ? "DESCRIBE" : "CLOSE")
                  + " message subtype "
                  + kind);
        }
        return type == MessageTypes.DESCRIBE
            ? new FrontendMessage.Describe(kind, name)
            : new FrontendMessage.Close(kind, name);
      }
      case MessageTypes.EXECUTE -> {
        String portal = body.cstring();
        return new FrontendMessage.Execute(portal, body.int32());
      }
      default -> throw new IllegalArgumentException("not a query message: " + (char) type);
    }
  }

  private static short[] shorts(MessageBody body) throws MessageBody.Malformed {
    short[] s = new short[body.count(2)];
    for (int i = 0; i < s.length; i++) {
      s[i] = body.int16();
    }
    return s;
  }

  /** Reads a NUL-terminated UTF-8 string; null when there is no terminator. */
  private static String cstring(ByteBuf buf) {
    int length = buf.bytesBefore((byte) 0);
    if (length < 0) {
      return null;
    }
    String s = buf.toString(buf.readerIndex(), length, StandardCharsets.UTF_8);
    buf.skipBytes(length + 1);
    return s;
  }

  private void violation(ByteBuf in, List<Object> out, SqlState state, String message) {
    releaseMemory();
    this.state = State.DISCARD;
    in.skipBytes(in.readableBytes());
    out.add(new FrontendMessage.ProtocolViolation(state.code(), message));
  }
}
