package io.heliosdb.nano.wire;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.net.AuthThrottle;
import io.heliosdb.nano.net.Transport;
import io.heliosdb.nano.wire.auth.Authentication;
import io.heliosdb.nano.wire.limits.MemoryBudget;
import io.heliosdb.nano.wire.limits.MessageMemory;
import io.heliosdb.nano.wire.limits.SessionCeiling;
import io.heliosdb.nano.wire.limits.SessionLimits;
import io.heliosdb.nano.wire.messages.PgFrameDecoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL wire server: Netty event loops for the sockets, a worker pool for SQLite. Each
 * session's work runs on the pool through the session's serial executor; the pool creates threads
 * on demand and lets idle ones go, so a statement waiting on SQLite's busy timeout holds one thread
 * and nothing else (there is at most one busy thread per session).
 *
 * <p>{@link #close()} stops gracefully: it stops accepting, ends every session with FATAL 57P01,
 * waits for their connections to close and closes the database it serves.
 */
public final class WireServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WireServer.class);

  /** How long {@link #close()} waits for sessions to close their connections. */
  private static final long STOP_WAIT_MILLIS = 10_000;

  /**
   * Where and how to serve.
   *
   * @param host address to bind, e.g. 127.0.0.1
   * @param port TCP port; 0 picks a free one (see {@link #port()})
   * @param maxConnections sessions at once; the next is refused with FATAL 53300
   * @param maxMessageBytes largest message body a client may send once authenticated
   * @param authentication trust, or SCRAM-SHA-256 against the configured users
   * @param tls the server's certificate and key, answering SSLRequest with 'S'; null: no TLS ('N')
   * @param requireTls refuse a StartupMessage on a clear connection (FATAL 28000); needs tls
   * @param limits timeouts (authentication, idle, stalled listener) and TCP keepalives
   * @param memory the memory budget bounding sessions, messages being received and what prepared
   *     statements and portals keep; null: none
   */
  public record Options(
      String host,
      int port,
      int maxConnections,
      int maxMessageBytes,
      Authentication authentication,
      SslContext tls,
      boolean requireTls,
      SessionLimits limits,
      MemoryBudget memory,
      int ioThreads) {
    public static final int DEFAULT_PORT = 54320;
    public static final int DEFAULT_MAX_CONNECTIONS = 100;

    public Options {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
      }
      if (maxConnections < 1) {
        throw new IllegalArgumentException("max connections must be at least 1");
      }
      if (authentication == null) {
        throw new IllegalArgumentException("authentication must be given");
      }
      if (requireTls && tls == null) {
        throw new IllegalArgumentException("requireTls needs a TLS context");
      }
      if (limits == null) {
        throw new IllegalArgumentException("limits must be given");
      }
      if (ioThreads < 0) {
        throw new IllegalArgumentException("ioThreads must be 0 (one per core) or more");
      }
    }

    /** Without a memory budget. */
    public Options(
        String host,
        int port,
        int maxConnections,
        int maxMessageBytes,
        Authentication authentication,
        SslContext tls,
        boolean requireTls,
        SessionLimits limits) {
      this(
          host,
          port,
          maxConnections,
          maxMessageBytes,
          authentication,
          tls,
          requireTls,
          limits,
          null,
          0);
    }

    /** PostgreSQL's timeouts ({@link SessionLimits#DEFAULTS}). */
    public Options(
        String host,
        int port,
        int maxConnections,
        int maxMessageBytes,
        Authentication authentication,
        SslContext tls,
        boolean requireTls) {
      this(
          host,
          port,
          maxConnections,
          maxMessageBytes,
          authentication,
          tls,
          requireTls,
          SessionLimits.DEFAULTS);
    }

    /** Without TLS. */
    public Options(
        String host,
        int port,
        int maxConnections,
        int maxMessageBytes,
        Authentication authentication) {
      this(host, port, maxConnections, maxMessageBytes, authentication, null, false);
    }

    /** Trust authentication. */
    public Options(String host, int port, int maxConnections, int maxMessageBytes) {
      this(host, port, maxConnections, maxMessageBytes, Authentication.trust());
    }

    /** These options with another authentication. */
    public Options with(Authentication auth) {
      return new Options(
          host,
          port,
          maxConnections,
          maxMessageBytes,
          auth,
          tls,
          requireTls,
          limits,
          memory,
          ioThreads);
    }

    /** These options with other timeouts and keepalives. */
    public Options with(SessionLimits other) {
      return new Options(
          host,
          port,
          maxConnections,
          maxMessageBytes,
          authentication,
          tls,
          requireTls,
          other,
          memory,
          ioThreads);
    }

    /** These options bounded by a memory budget. */
    public Options with(MemoryBudget budget) {
      return new Options(
          host,
          port,
          maxConnections,
          maxMessageBytes,
          authentication,
          tls,
          requireTls,
          limits,
          budget,
          ioThreads);
    }

    /** These options with TLS (a server context), required or offered. */
    public Options withTls(SslContext context, boolean required) {
      return new Options(
          host,
          port,
          maxConnections,
          maxMessageBytes,
          authentication,
          context,
          required,
          limits,
          memory,
          ioThreads);
    }

    /**
     * These options with {@code threads} event loops for the connections' I/O (and the short
     * statements that run on them); 0: one per core.
     */
    public Options withIoThreads(int threads) {
      return new Options(
          host,
          port,
          maxConnections,
          maxMessageBytes,
          authentication,
          tls,
          requireTls,
          limits,
          memory,
          threads);
    }

    /** Loopback, the given port, PostgreSQL's default of 100 connections, 16 MiB messages. */
    public static Options loopback(int port) {
      return new Options(
          "127.0.0.1", port, DEFAULT_MAX_CONNECTIONS, PgFrameDecoder.DEFAULT_MAX_MESSAGE_BYTES);
    }
  }

  private final HeliosDB db;
  private final SessionRegistry registry;
  private final Transport transport = Transport.chosen();
  private final EventLoopGroup loops;
  private final ExecutorService workers;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final String descriptorWarning;
  private final MessageMemory messages;
  private final PreparedMemory prepared;
  private Channel serverChannel;
  private boolean closed;

  /**
   * Why fewer sessions than max_connections will be admitted (the open-file limit or the memory
   * budget), or null when all fit: for the start-up output.
   */
  public String descriptorWarning() {
    return descriptorWarning;
  }

  private WireServer(HeliosDB db, Options options) {
    this.db = db;
    SessionCeiling ceiling =
        SessionCeiling.of(options.maxConnections(), options.memory(), !db.config().inMemory());
    this.descriptorWarning = ceiling.warning();
    this.registry =
        new SessionRegistry(
            ceiling.sessions(), ceiling.reason(), !db.config().inMemory(), options.memory());
    this.messages =
        options.memory() == null
            ? MessageMemory.UNBOUNDED
            : new MessageMemory(options.memory().messageBytes());
    this.prepared =
        options.memory() == null ? PreparedMemory.UNBOUNDED : PreparedMemory.of(options.memory());
    this.loops =
        transport.loops(
            options.ioThreads() > 0
                ? options.ioThreads()
                : Runtime.getRuntime().availableProcessors(),
            "heliosdb-wire-io");
    this.workers =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            new DefaultThreadFactory("heliosdb-wire-worker", true));
  }

  /**
   * Serves {@code db} until {@link #close()}, which closes it: the server owns the database from
   * here on.
   */
  public static WireServer start(HeliosDB db, Options options) throws InterruptedException {
    return start(db, options, new AuthThrottle());
  }

  /**
   * As {@link #start(HeliosDB, Options)}, with failed password authentications counted and delayed
   * by {@code throttle} (which the HTTP gateway may share, so that failures on either port count).
   */
  public static WireServer start(HeliosDB db, Options options, AuthThrottle throttle)
      throws InterruptedException {
    WireServer server = new WireServer(db, options);
    try {
      server.bind(options, throttle);
      return server;
    } catch (Throwable e) {
      // Netty throws a bind failure (java.net.BindException) without declaring it.
      server.close();
      throw e;
    }
  }

  private void bind(Options options, AuthThrottle throttle) throws InterruptedException {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(loops)
            .channel(transport.serverChannel())
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            // A client that sends its last queries and shuts its side still gets their answers.
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    channels.add(ch);
                    PgFrameDecoder decoder =
                        new PgFrameDecoder(options.maxMessageBytes(), messages);
                    ch.pipeline()
                        .addLast("frames", decoder)
                        .addLast(
                            "protocol",
                            new PgWireHandler(
                                db, registry, workers, decoder, options, throttle, prepared));
                  }
                });
    SessionLimits limits = options.limits();
    transport.keepalives(
        b, limits.tcpKeepalivesIdle(), limits.tcpKeepalivesInterval(), limits.tcpKeepalivesCount());
    serverChannel = b.bind(options.host(), options.port()).sync().channel();
  }

  /** The address the server listens on (with the real port when started on port 0). */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  public int port() {
    return address().getPort();
  }

  /** Sessions connected now. */
  public int sessionCount() {
    return registry.admitted();
  }

  /**
   * SQLite connections the sessions hold now: a session opens its own at its first statement that
   * needs one, never for LISTEN, UNLISTEN or NOTIFY outside a transaction on a channel not logged.
   */
  public int sqliteConnectionCount() {
    return registry.connections().open();
  }

  /**
   * Sessions admitted at once: max_connections, or fewer when the open files or memory hold fewer.
   */
  public int sessionLimit() {
    return registry.maxConnections();
  }

  /** Bytes held in the connections' receive and send buffers now (the metrics read it). */
  public BufferedBytes bufferedBytes() {
    return BufferedBytes.of(channels);
  }

  /** What the sessions' prepared statements and portals keep (tests). */
  PreparedMemory preparedMemory() {
    return prepared;
  }

  /** Open TCP connections, in authentication or not (tests). */
  int connectionCount() {
    return channels.size();
  }

  /** The open connections' channels (tests read their socket options). */
  java.util.List<Channel> channels() {
    return new java.util.ArrayList<>(channels);
  }

  SessionRegistry registry() {
    return registry;
  }

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
        PgWireHandler h = ch.pipeline().get(PgWireHandler.class);
        PgSession s = h == null ? null : h.session();
        if (s != null) {
          s.terminate(
              SqlState.ADMIN_SHUTDOWN.code(),
              "terminating connection due to administrator command");
        } else {
          ch.close();
        }
      }
      if (!registry.awaitAllReleased(STOP_WAIT_MILLIS)) {
        log.warn("{} sessions still running at shutdown", registry.admitted());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      workers.shutdown();
      registry.closeSchemaReader();
      db.close();
    }
  }
}
