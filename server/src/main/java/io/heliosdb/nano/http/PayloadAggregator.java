package io.heliosdb.nano.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Netty's aggregator with the body capped at max_payload_bytes: a larger body is answered 413 with
 * the JSON error, without reading it into memory (before it is sent, when the client asks with
 * {@code Expect: 100-continue}). As Netty does, the connection stays open when the client waits for
 * 100-continue or keeps it alive, and closes otherwise.
 */
final class PayloadAggregator extends HttpObjectAggregator {
  private final int limit;

  PayloadAggregator(int limit) {
    super(limit);
    this.limit = limit;
  }

  /** A client that waits for 100-continue with too long a Content-Length: 413 with the JSON. */
  @Override
  protected Object newContinueResponse(
      HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    Object r = super.newContinueResponse(start, maxContentLength, pipeline);
    if (r instanceof FullHttpResponse f
        && f.status().equals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE)) {
      f.release();
      return Responses.error(
          Endpoints.tooLong(HttpUtil.getContentLength(start, limit + 1L), limit));
    }
    return r;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    long length = HttpUtil.getContentLength(oversized, -1L);
    FullHttpResponse r =
        Responses.error(Endpoints.tooLong(length < 0 ? limit + 1L : length, limit));
    boolean close =
        oversized instanceof FullHttpMessage
            || !ctx.channel().config().isAutoRead()
            || !HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized);
    HttpUtil.setKeepAlive(r, !close);
    if (close) {
      ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }
  }
}
