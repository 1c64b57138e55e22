package io.heliosdb.nano.wire;

import io.heliosdb.nano.wire.messages.Frames;
import io.heliosdb.nano.wire.messages.Frames.Backend;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/** Talks to a {@link PgWireHandler} in an {@link EmbeddedChannel}: frames in, messages out. */
final class EmbeddedWire {
  private EmbeddedWire() {}

  /** Sends bytes and returns every message the server wrote in answer. */
  static List<Backend> send(EmbeddedChannel ch, ByteBuf... frames) {
    ch.writeInbound(Unpooled.wrappedBuffer(frames));
    return received(ch);
  }

  /** What the server wrote since the last call, after running its pending tasks. */
  static List<Backend> received(EmbeddedChannel ch) {
    ch.runPendingTasks();
    List<Backend> out = new ArrayList<>();
    for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
      out.addAll(Frames.parse(b));
      b.release();
    }
    return out;
  }
}
