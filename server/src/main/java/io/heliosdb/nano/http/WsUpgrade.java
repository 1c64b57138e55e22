package io.heliosdb.nano.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import java.util.Map;

/**
 * Turns an HTTP connection into a WebSocket (RFC 6455, version 13 only): checks the upgrade
 * request, answers 101, and swaps the HTTP handlers for the frame codec, an aggregator of
 * fragmented messages and a {@link WsSession}. Frames and messages over {@link
 * Endpoints#maxWsMessageBytes()} close the connection with 1009; unmasked frames, bad UTF-8 and
 * other protocol violations with Netty's codes (1002, 1007).
 */
final class WsUpgrade {
  private WsUpgrade() {}

  /**
   * @throws HttpError 426 for a request that is not a version-13 WebSocket upgrade, 400 for a
   *     malformed one
   */
  static void upgrade(
      ChannelHandlerContext ctx, FullHttpRequest req, Endpoints endpoints, Access.Principal who) {
    if (!req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
      throw new HttpError(
          HttpResponseStatus.UPGRADE_REQUIRED,
          "/ws is a WebSocket: connect with a WebSocket client (Upgrade: websocket)",
          null,
          Map.of("Upgrade", "websocket", "Connection", "Upgrade"));
    }
    if (!"13".equals(req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
      throw new HttpError(
          HttpResponseStatus.UPGRADE_REQUIRED,
          "unsupported WebSocket version: "
              + req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION)
              + " (13 is supported)",
          null,
          Map.of("Sec-WebSocket-Version", "13"));
    }
    int max = endpoints.maxWsMessageBytes();
    WebSocketDecoderConfig frames =
        WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(max)
            .allowExtensions(false)
            .expectMaskedFrames(true)
            .closeOnProtocolViolation(true)
            .withUTF8Validator(true)
            .build();
    String host = req.headers().get(HttpHeaderNames.HOST, "localhost");
    WebSocketServerHandshaker handshaker =
        new WebSocketServerHandshaker13("ws://" + host + "/ws", null, frames);
    // In place before the handshake: what the client sent behind its request reaches the session.
    WsSession session = new WsSession(ctx.channel(), endpoints, who);
    ctx.pipeline().addLast("ws-messages", new WebSocketFrameAggregator(max));
    ctx.pipeline().addLast("ws", session);
    try {
      handshaker.handshake(ctx.channel(), req);
    } catch (WebSocketHandshakeException e) {
      ctx.pipeline().remove("ws");
      ctx.pipeline().remove("ws-messages");
      throw new HttpError(
          HttpResponseStatus.BAD_REQUEST, "bad WebSocket handshake: " + e.getMessage());
    }
    ctx.pipeline().remove(ctx.handler());
    endpoints.trackWebSocket(ctx.channel());
    session.start();
  }
}
