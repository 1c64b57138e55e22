package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.wire.messages.TransactionStatus;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A session's writes keep their order when its work moves between a worker and the event loop: a
 * write made on a worker waits in the event loop's queue, and the event loop must not run a task of
 * the session inline (writing at once) until it has taken that write.
 */
class ChannelOutputOrderTest {
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());

  @AfterEach
  void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private Channel channel() throws Exception {
    LocalAddress address = new LocalAddress("order-" + System.nanoTime());
    new ServerBootstrap()
        .group(group)
        .channel(LocalServerChannel.class)
        .childHandler(
            new ChannelInitializer<LocalChannel>() {
              @Override
              protected void initChannel(LocalChannel ch) {
                ch.pipeline()
                    .addLast(
                        new ChannelInboundHandlerAdapter() {
                          @Override
                          public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ((ByteBuf) msg).release();
                          }
                        });
              }
            })
        .bind(address)
        .sync();
    return new Bootstrap()
        .group(group)
        .channel(LocalChannel.class)
        .handler(new ChannelInboundHandlerAdapter())
        .connect(address)
        .sync()
        .channel();
  }

  @Test
  void aWorkersWriteStillQueuedKeepsTasksOffTheEventLoopUntilItIsTaken() throws Exception {
    Channel ch = channel();
    ChannelOutput out = new ChannelOutput(ch);
    CountDownLatch release = new CountDownLatch(1);
    // The event loop is busy (as with another connection's work): the worker's write waits.
    ch.eventLoop().execute(() -> awaitQuietly(release));
    out.readyForQuery(TransactionStatus.IDLE);
    out.flush();
    assertThat(out.mayWriteOnEventLoop()).as("the write waits in the queue").isFalse();
    release.countDown();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ch.eventLoop().submit(out::mayWriteOnEventLoop).get());
    ch.close().sync();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
