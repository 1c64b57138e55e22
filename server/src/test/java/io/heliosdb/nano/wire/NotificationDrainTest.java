package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.wire.auth.Authentication;
import io.heliosdb.nano.wire.messages.Frames;
import io.heliosdb.nano.wire.messages.Frames.Backend;
import io.heliosdb.nano.wire.messages.PgFrameDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How a session moves its queued notifications to a client that reads slowly: in chunks, only while
 * the channel is writable, the rest left in the queue until it is writable again. Driven through an
 * {@link EmbeddedChannel} with a stand-in for the socket that takes a given number of bytes and
 * then reports the channel unwritable, as a full socket does.
 */
class NotificationDrainTest {
  private static final String PAYLOAD = "x".repeat(2000);
  private static final int NOTIFICATIONS = 500; // a megabyte

  /** The chunk the session hands over, plus the notification that passes it. */
  private static final int CHUNK_LIMIT = 16 * 1024 + PAYLOAD.length() + 64;

  private final HeliosDB db =
      HeliosDB.open(
          HeliosConfig.builder()
              .inMemory()
              .notificationQueueSize(1000)
              .notificationQueueBytes(16 << 20)
              .build());
  private final Socket socket = new Socket();
  private EmbeddedChannel ch;

  @AfterEach
  void close() {
    if (ch != null) {
      ch.finishAndReleaseAll();
    }
    db.close();
  }

  /** Stands for the socket: takes {@code room} bytes, then the channel is unwritable. */
  private static final class Socket extends ChannelOutboundHandlerAdapter {
    long room = Long.MAX_VALUE;
    long written;
    int largestWrite;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof ByteBuf b) {
        written += b.readableBytes();
        largestWrite = Math.max(largestWrite, b.readableBytes());
        if (written >= room) {
          ctx.channel().unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        }
      }
      ctx.write(msg, promise);
    }

    void full(EmbeddedChannel ch) {
      ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
      ch.runPendingTasks();
    }

    /** The client reads: the socket takes {@code bytes} more. */
    void takes(EmbeddedChannel ch, long bytes) {
      room = bytes == Long.MAX_VALUE ? bytes : written + bytes;
      ch.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
      ch.runPendingTasks();
    }
  }

  private List<Backend> received() {
    return EmbeddedWire.received(ch);
  }

  private List<Backend> send(ByteBuf frame) {
    ch.writeInbound(Unpooled.wrappedBuffer(frame));
    return received();
  }

  private void startListening() {
    PgFrameDecoder decoder = new PgFrameDecoder(1 << 20);
    ch =
        new EmbeddedChannel(
            decoder,
            new PgWireHandler(
                db, new SessionRegistry(10), Runnable::run, decoder, Authentication.trust()));
    ch.pipeline().addFirst(socket);
    assertThat(send(Frames.startup("user", "test"))).last().hasToString("Z I");
    assertThat(send(Frames.query("LISTEN jobs"))).last().hasToString("Z I");
  }

  private static List<String> payloads(List<Backend> messages) {
    List<String> got = new ArrayList<>();
    for (Backend m : messages) {
      assertThat(m.type()).as("only notifications: %s", m).isEqualTo('A');
      String text = m.notification();
      got.add(text.substring(text.indexOf(" jobs ") + 6));
    }
    return got;
  }

  @Test
  void aQueueThatFilledReachesTheClientInChunksAndOnlyAsFastAsItReads() {
    startListening();
    socket.full(ch);
    for (int i = 0; i < NOTIFICATIONS; i++) {
      db.pubsub().notify("jobs", i + PAYLOAD);
    }
    assertThat(received()).as("nothing written while the socket is full").isEmpty();

    // The client reads 100 KB: the session writes about that much, the rest stays queued.
    long before = socket.written;
    socket.takes(ch, 100 * 1024);
    List<String> first = payloads(received());
    assertThat(socket.written - before).isLessThanOrEqualTo(100 * 1024 + CHUNK_LIMIT);
    assertThat(first).hasSizeBetween(40, 60);

    // It reads everything: the rest follows, in order, nothing dropped.
    socket.takes(ch, Long.MAX_VALUE);
    List<String> all = new ArrayList<>(first);
    all.addAll(payloads(received()));
    assertThat(all).hasSize(NOTIFICATIONS);
    for (int i = 0; i < NOTIFICATIONS; i++) {
      assertThat(all.get(i)).startsWith(i + "x");
    }
    assertThat(socket.largestWrite).isLessThanOrEqualTo(CHUNK_LIMIT);
  }
}
