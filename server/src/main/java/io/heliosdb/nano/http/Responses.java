package io.heliosdb.nano.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Complete responses: JSON bodies, errors as {@code {"error": ..., "sqlstate": ...}}, and none. */
final class Responses {
  static final ObjectMapper JSON = new ObjectMapper();

  private Responses() {}

  /** {@code value} as JSON text (maps, lists, strings, numbers). */
  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not serialisable as JSON: " + value, e);
    }
  }

  static FullHttpResponse json(HttpResponseStatus status, Object body) {
    return body(status, json(body) + "\n", "application/json; charset=utf-8");
  }

  static FullHttpResponse body(HttpResponseStatus status, String text, String contentType) {
    return body(status, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8), contentType);
  }

  static FullHttpResponse body(HttpResponseStatus status, ByteBuf content, String contentType) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    r.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    HttpUtil.setContentLength(r, content.readableBytes());
    return r;
  }

  static FullHttpResponse empty(HttpResponseStatus status) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    HttpUtil.setContentLength(r, 0);
    return r;
  }

  static FullHttpResponse error(HttpError e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", e.getMessage());
    if (e.sqlState() != null) {
      body.put("sqlstate", e.sqlState());
    }
    FullHttpResponse r = json(e.status(), body);
    e.headers().forEach((k, v) -> r.headers().set(k, v));
    return r;
  }

  /** Sends {@code r}; closes the connection after it unless both sides keep it alive. */
  static ChannelFuture send(Channel ch, FullHttpResponse r, boolean keepAlive) {
    HttpUtil.setKeepAlive(r, keepAlive);
    ChannelFuture f = ch.writeAndFlush(r);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
    return f;
  }

  /**
   * Sends {@code r} in answer to a request that was not read to its end, and closes the connection
   * without a reset: closing a socket with unread input makes the kernel send RST, and a client
   * still writing its request may lose the answer to it. So the server closes its side for writing
   * (the client reads the answer, then end of stream), discards what still arrives until the client
   * closes (the decoder skips everything after its error), and closes anyway after {@link
   * #LINGER_SECONDS} (RFC 9112, section 9.6).
   */
  static void sendAndLinger(Channel ch, FullHttpResponse r) {
    HttpUtil.setKeepAlive(r, false); // Connection: close
    ch.writeAndFlush(r)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!(ch instanceof DuplexChannel duplex) || !f.isSuccess()) {
                    ch.close();
                    return;
                  }
                  duplex.shutdownOutput();
                  ch.config().setAutoRead(true);
                  ch.eventLoop().schedule(() -> ch.close(), LINGER_SECONDS, TimeUnit.SECONDS);
                });
  }

  /** How long a connection answered with {@link #sendAndLinger} may go on sending. */
  static final int LINGER_SECONDS = 2;
}
