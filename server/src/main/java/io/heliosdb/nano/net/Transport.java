package io.heliosdb.nano.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Locale;
import jdk.net.ExtendedSocketOptions;

/**
 * The socket transport both servers run on: Linux's epoll through Netty's native library where it
 * loads, the JDK's selector (NIO) elsewhere. Epoll saves system calls and garbage per message (the
 * wire publish path measured about a fifth faster with it). {@code -Dheliosdb.transport=nio}
 * chooses NIO on Linux too, should the native library misbehave somewhere.
 */
public enum Transport {
  EPOLL,
  NIO;

  /** The transport of this process: epoll when available and not turned off. */
  public static Transport chosen() {
    String asked = System.getProperty("heliosdb.transport", "").toLowerCase(Locale.ROOT);
    return !asked.equals("nio") && Epoll.isAvailable() ? EPOLL : NIO;
  }

  /** An event loop group of {@code threads} daemon threads named {@code name-N}. */
  public EventLoopGroup loops(int threads, String name) {
    IoHandlerFactory io = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), io);
  }

  public Class<? extends ServerChannel> serverChannel() {
    return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  /**
   * Sets TCP keepalive idle time, interval (seconds) and probe count on every accepted connection;
   * 0 keeps the system's value.
   */
  public void keepalives(ServerBootstrap b, int idle, int interval, int count) {
    if (idle > 0) {
      b.childOption(keepaliveIdle(), idle);
    }
    if (interval > 0) {
      b.childOption(keepaliveInterval(), interval);
    }
    if (count > 0) {
      b.childOption(keepaliveCount(), count);
    }
  }

  /** TCP_KEEPIDLE as this transport's channels take it. */
  public ChannelOption<Integer> keepaliveIdle() {
    return this == EPOLL
        ? EpollChannelOption.TCP_KEEPIDLE
        : NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE);
  }

  /** TCP_KEEPINTVL as this transport's channels take it. */
  public ChannelOption<Integer> keepaliveInterval() {
    return this == EPOLL
        ? EpollChannelOption.TCP_KEEPINTVL
        : NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL);
  }

  /** TCP_KEEPCNT as this transport's channels take it. */
  public ChannelOption<Integer> keepaliveCount() {
    return this == EPOLL
        ? EpollChannelOption.TCP_KEEPCNT
        : NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT);
  }
}
