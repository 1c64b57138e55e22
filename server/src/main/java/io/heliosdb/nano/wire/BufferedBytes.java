package io.heliosdb.nano.wire;

import io.heliosdb.nano.wire.messages.PgFrameDecoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;

/**
 * What the server holds for its connections in its own buffers, for /metrics: bytes received and
 * not yet decoded (part of a message) and bytes written and not yet taken by the socket. A
 * session's notification queue is bounded by notification_queue_size and notification_queue_bytes,
 * not counted here.
 *
 * @param total across all connections
 * @param max of the connection that holds most
 */
public record BufferedBytes(long total, long max) {
  static final BufferedBytes NONE = new BufferedBytes(0, 0);

  /** Read from each channel's decoder and outbound buffer; any thread (the values are racy). */
  static BufferedBytes of(Iterable<Channel> channels) {
    long total = 0;
    long max = 0;
    for (Channel ch : channels) {
      long held = 0;
      PgFrameDecoder decoder = ch.pipeline().get(PgFrameDecoder.class);
      if (decoder != null) {
        held += decoder.bufferedBytes();
      }
      ChannelOutboundBuffer outbound = ch.unsafe().outboundBuffer();
      if (outbound != null) {
        held += outbound.totalPendingWriteBytes();
      }
      total += held;
      max = Math.max(max, held);
    }
    return new BufferedBytes(total, max);
  }
}
