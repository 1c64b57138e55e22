package io.heliosdb.nano.http;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.net.AuthThrottle;
import io.heliosdb.nano.net.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The HTTP gateway of {@code heliosdb serve}: Server-Sent Events streams of channels, publishing,
 * /health and /metrics, on Netty's HTTP/1.1 codec. Event loops serve the sockets and live streams;
 * a worker pool runs what waits on SQLite (publishing, the health probe, resuming streams). It
 * serves a database it does not own: close it before the database.
 */
public final class HttpGateway implements AutoCloseable {
  /** The longest request line (method, path and query). */
  static final int MAX_LINE_BYTES = 4096;

  /** Netty's default marks: a stream writes while its client holds less than 64 KiB unread. */
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

  /**
   * Reads of at most 16 KiB: requests are small, and a client that sends requests without reading
   * the answers then gets at most a read's worth answered after it stops being read.
   */
  static final AdaptiveRecvByteBufAllocator READS =
      new AdaptiveRecvByteBufAllocator(64, 1024, 16 * 1024);

  private final Transport transport = Transport.chosen();
  private final EventLoopGroup loops;
  private final ExecutorService workers;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final WaitingConnections waiting = new WaitingConnections();
  private final Endpoints endpoints;
  private Channel serverChannel;
  private boolean closed;

  private HttpGateway(
      HeliosDB db, HttpConfig config, IntSupplier wireSessions, AuthThrottle throttle) {
    this.loops = transport.loops(Runtime.getRuntime().availableProcessors(), "heliosdb-http-io");
    this.workers =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            new DefaultThreadFactory("heliosdb-http-worker", true));
    this.endpoints = new Endpoints(db, config, workers, wireSessions, channels::size, throttle);
  }

  /**
   * Serves {@code db} over HTTP as {@code config} says until {@link #close()}.
   *
   * @param wireSessions the wire server's session count, for /metrics
   */
  public static HttpGateway start(HeliosDB db, HttpConfig config, IntSupplier wireSessions)
      throws InterruptedException {
    return start(db, config, wireSessions, new AuthThrottle());
  }

  /**
   * As {@link #start(HeliosDB, HttpConfig, IntSupplier)}, with wrong bearer tokens counted and
   * answered late by {@code throttle}, shared with the wire server (its counts go to /metrics).
   */
  public static HttpGateway start(
      HeliosDB db, HttpConfig config, IntSupplier wireSessions, AuthThrottle throttle)
      throws InterruptedException {
    HttpGateway gateway = new HttpGateway(db, config, wireSessions, throttle);
    try {
      gateway.bind(db, config);
      return gateway;
    } catch (Throwable e) {
      // Netty throws a bind failure (java.net.BindException) without declaring it.
      gateway.close();
      throw e;
    }
  }

  /**
   * Adds the JVM's memory and the wire server's buffered bytes to /metrics (when metrics are on).
   *
   * @param wireBufferedBytes bytes all wire sessions hold in their receive and send buffers
   * @param wireSessionBufferedBytesMax the most that one session holds
   * @param sqliteConnections the SQLite connections wire sessions hold (about 400 KB each)
   */
  public void exportMemory(
      LongSupplier wireBufferedBytes,
      LongSupplier wireSessionBufferedBytesMax,
      IntSupplier sqliteConnections) {
    endpoints.exportMemory(wireBufferedBytes, wireSessionBufferedBytesMax, sqliteConnections);
  }

  private void bind(HeliosDB db, HttpConfig config) throws InterruptedException {
    Access access = new Access(config);
    AllowedHosts hosts =
        new AllowedHosts(config.listen(), config.loopback(), config.allowedHosts());
    StaticFiles files = config.staticDir() == null ? null : new StaticFiles(config.staticDir());
    int maxBody = db.config().maxPayloadBytes();
    ServerBootstrap b =
        new ServerBootstrap()
            .group(loops)
            .channel(transport.serverChannel())
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
            .childOption(ChannelOption.RCVBUF_ALLOCATOR, READS)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    // At max_connections, the connection that waited longest for its request
                    // makes room; only when none waits is this one refused (503).
                    boolean admitted =
                        channels.size() < config.maxConnections() || waiting.evictOldest();
                    channels.add(ch);
                    ch.pipeline()
                        .addLast(
                            "codec",
                            new HttpServerCodec(MAX_LINE_BYTES, config.maxHeaderBytes(), 8192))
                        .addLast(
                            "deadline",
                            new RequestDeadline(
                                config.requestHeadTimeout(),
                                config.requestBodyTimeout(),
                                waiting,
                                endpoints.clientErrors()))
                        .addLast("body", new PayloadAggregator(maxBody))
                        .addLast(
                            "http", new HttpHandler(endpoints, access, hosts, files, admitted));
                  }
                });
    serverChannel = b.bind(config.listen(), config.port()).sync().channel();
  }

  /** The address the gateway listens on (with the real port when started on port 0). */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  public int port() {
    return address().getPort();
  }

  /** Event streams open now. */
  public int streamCount() {
    return endpoints.streams();
  }

  /** WebSocket connections open now. */
  public int webSocketCount() {
    return endpoints.websockets();
  }

  /** HTTP connections open now. */
  int connectionCount() {
    return channels.size();
  }

  /** Connections waiting for a request now (none sent yet, or part of one). */
  int waitingCount() {
    return waiting.size();
  }

  /** Bytes written to connections and not yet taken by the socket (tests: memory stays bounded). */
  long pendingWriteBytes() {
    long sum = 0;
    for (Channel ch : channels) {
      io.netty.channel.ChannelOutboundBuffer b = ch.unsafe().outboundBuffer();
      sum += b == null ? 0 : b.totalPendingWriteBytes();
    }
    return sum;
  }

  /**
   * Stops accepting, closes every connection (streams end; WebSockets are closed with 1001; clients
   * reconnect elsewhere).
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (serverChannel != null) {
        serverChannel.close().syncUninterruptibly();
      }
      for (Channel ch : channels) {
        if (ch.pipeline().get(WsSession.class) != null) { // 1001 tells a client to come back
          ch.writeAndFlush(
              new CloseWebSocketFrame(
                  WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "server shutting down"));
        }
      }
      channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    } finally {
      loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      workers.shutdown();
      endpoints.close();
    }
  }
}
