package io.heliosdb.nano.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Listening connections, any number, on one selector thread (so that 1000 or 10,000 of them do not
 * take the 2 cores from the server; {@code -Dselectors=N} spreads them over N threads): each
 * connects, logs in, subscribes through its {@link ListenSession} and hands notification payloads
 * to one {@link ListenSession.PayloadSink}, called on its selector thread with the {@link
 * System#nanoTime()} taken right after the read. Connection ids run from 0; with N threads,
 * connection {@code i} is on thread {@code i % N}. At most 64 connections are logging in at a time,
 * to stay within the accept backlog.
 */
final class ListenerPool implements AutoCloseable {
  private static final int MAX_CONNECTING = 64;
  private static final int BUFFER_BYTES = 4096;

  private final Function<List<String>, ListenSession> sessions;
  private final InetSocketAddress address;
  private final ListenSession.PayloadSink sink;
  private final List<Loop> loops = new ArrayList<>();
  private final AtomicInteger ready = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger loopsOpening = new AtomicInteger();
  private volatile String firstFailure;
  private volatile boolean closing;

  private static final class Connection {
    final int id;
    final SocketChannel channel;
    final ListenSession session;
    ByteBuffer in = ByteBuffer.allocate(BUFFER_BYTES);
    ByteBuffer out;
    SelectionKey key;
    boolean ready;
    boolean everReady;

    Connection(int id, SocketChannel channel, ListenSession session) {
      this.id = id;
      this.channel = channel;
      this.session = session;
    }
  }

  ListenerPool(WireTarget target, String host, int port, ListenSession.PayloadSink sink)
      throws IOException {
    this(target::listenSession, host, port, sink);
  }

  /**
   * Connections speaking whatever protocol {@code sessions} makes for a list of channels (the HTTP
   * gateway's event streams and WebSockets: {@link HttpStream}).
   */
  ListenerPool(
      Function<List<String>, ListenSession> sessions,
      String host,
      int port,
      ListenSession.PayloadSink sink)
      throws IOException {
    this.sessions = sessions;
    this.address = new InetSocketAddress(host, port);
    this.sink = sink;
    int threads = Integer.getInteger("selectors", 1);
    for (int i = 0; i < threads; i++) {
      loops.add(new Loop(i, threads));
    }
  }

  /**
   * Opens {@code count} connections, connection {@code i} subscribed to {@code channelsOf(i)}. Once
   * only.
   */
  void open(int count, IntFunction<List<String>> channelsOf) {
    loopsOpening.set(loops.size());
    for (Loop loop : loops) {
      loop.onLoop(() -> loop.open(count, channelsOf));
    }
  }

  /** Has every connection subscribe to {@code channelsOf(i)} in addition. */
  void listenMore(IntFunction<List<String>> more) {
    for (Loop loop : loops) {
      loop.onLoop(() -> loop.listenMore(more));
    }
  }

  /**
   * Waits until {@code count} connections are ready; false when as many as there are have failed,
   * or when none got ready or failed for {@code stallMillis} (a server that stopped accepting).
   * Prints progress to stderr every 10 s.
   */
  boolean awaitReady(int count, long stallMillis) {
    long lastChange = System.nanoTime();
    long lastReport = lastChange;
    int seen = -1;
    while (ready.get() < count) {
      int now = ready.get() + failed.get();
      long t = System.nanoTime();
      if (now != seen) {
        seen = now;
        lastChange = t;
      } else if (t - lastChange > stallMillis * 1_000_000L) {
        return false;
      }
      if (loopsOpening.get() == 0 && now >= count) {
        return false;
      }
      if (t - lastReport > 10_000_000_000L) {
        lastReport = t;
        System.err.printf("  ... %d ready, %d failed of %d%n", ready.get(), failed.get(), count);
      }
      LockSupport.parkNanos(20_000_000);
    }
    return true;
  }

  int ready() {
    return ready.get();
  }

  /** Connections that failed or that the server closed, ready or not. */
  int failed() {
    return failed.get();
  }

  String firstFailure() {
    return firstFailure;
  }

  @Override
  public void close() throws InterruptedException {
    closing = true;
    for (Loop loop : loops) {
      loop.selector.wakeup();
    }
    for (Loop loop : loops) {
      loop.thread.join();
    }
  }

  private void fail(Exception e) {
    failed.incrementAndGet();
    if (firstFailure == null) {
      firstFailure = e.toString();
    }
  }

  /** One selector thread and its connections: ids {@code index}, {@code index + stride}, ... */
  private final class Loop {
    final int index;
    final int stride;
    final Selector selector;
    final Thread thread;
    final List<Connection> connections = new ArrayList<>();
    final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    int nextId;
    int endId;
    int connecting;
    boolean opening;
    IntFunction<List<String>> channelsOf;

    Loop(int index, int stride) throws IOException {
      this.index = index;
      this.stride = stride;
      this.nextId = index;
      this.selector = Selector.open();
      this.thread = new Thread(this::run, "listener-pool-" + index);
      thread.setDaemon(true);
      thread.start();
    }

    void onLoop(Runnable task) {
      tasks.add(task);
      selector.wakeup();
    }

    void open(int count, IntFunction<List<String>> channelsOf) {
      this.channelsOf = channelsOf;
      endId = count;
      opening = true;
    }

    void listenMore(IntFunction<List<String>> more) {
      for (Connection c : connections) {
        if (!c.channel.isOpen()) {
          continue;
        }
        c.session.addChannels(more.apply(c.id));
        if (c.ready) {
          c.ready = false;
          ready.decrementAndGet();
        }
        flush(c);
      }
    }

    void run() {
      try {
        while (!closing) {
          for (Runnable task; (task = tasks.poll()) != null; ) {
            task.run();
          }
          startConnects();
          selector.select(opening ? 10 : 100);
          for (SelectionKey key : selector.selectedKeys()) {
            handle(key);
          }
          selector.selectedKeys().clear();
        }
      } catch (IOException e) {
        firstFailure = "selector: " + e;
      } finally {
        for (Connection c : connections) {
          try {
            c.channel.close();
          } catch (IOException ignored) {
            // closing anyway
          }
        }
        try {
          selector.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }

    private void startConnects() {
      if (!opening) {
        return;
      }
      int limit = Math.max(1, MAX_CONNECTING / stride);
      while (nextId < endId && connecting < limit) {
        int id = nextId;
        nextId += stride;
        connecting++;
        SocketChannel channel = null;
        try {
          channel = SocketChannel.open();
          channel.configureBlocking(false);
          channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
          Connection c = new Connection(id, channel, sessions.apply(channelsOf.apply(id)));
          connections.add(c);
          c.key = channel.register(selector, SelectionKey.OP_CONNECT, c);
          if (channel.connect(address)) {
            connected(c);
          }
        } catch (IOException e) {
          connecting--;
          fail(e);
          if (channel != null) {
            try {
              channel.close();
            } catch (IOException ignored) {
              // failed anyway
            }
          }
        }
      }
      if (nextId >= endId) {
        opening = false;
        loopsOpening.decrementAndGet();
      }
    }

    private void connected(Connection c) {
      c.key.interestOps(SelectionKey.OP_READ);
      flush(c);
    }

    private void handle(SelectionKey key) {
      Connection c = (Connection) key.attachment();
      try {
        if (key.isConnectable()) {
          c.channel.finishConnect();
          connected(c);
          return;
        }
        if (key.isWritable()) {
          flush(c);
        }
        if (key.isReadable()) {
          int n = c.channel.read(c.in);
          if (n < 0) {
            throw new IOException("server closed the connection");
          }
          long now = System.nanoTime();
          c.in.flip();
          c.session.consume(c.in, c.id, now, sink);
          c.in.compact();
          if (!c.in.hasRemaining()) {
            ByteBuffer bigger = ByteBuffer.allocate(c.in.capacity() * 2);
            c.in.flip();
            c.in = bigger.put(c.in);
          }
          flush(c);
        }
      } catch (IOException | RuntimeException e) {
        drop(c, e);
      }
    }

    private void flush(Connection c) {
      try {
        while (true) {
          if (c.out == null) {
            c.out = c.session.nextOutput();
            if (c.out == null) {
              break;
            }
          }
          c.channel.write(c.out);
          if (c.out.hasRemaining()) {
            c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            return;
          }
          c.out = null;
        }
        c.key.interestOps(SelectionKey.OP_READ);
        if (!c.ready && c.session.ready()) {
          c.ready = true;
          ready.incrementAndGet();
          if (!c.everReady) {
            c.everReady = true;
            connecting--;
          }
        }
      } catch (IOException | RuntimeException e) {
        drop(c, e);
      }
    }

    private void drop(Connection c, Exception e) {
      if (!c.channel.isOpen()) {
        return;
      }
      try {
        c.channel.close();
      } catch (IOException ignored) {
        // dropped anyway
      }
      if (c.ready) {
        c.ready = false;
        ready.decrementAndGet();
      }
      if (!c.everReady) {
        connecting--;
      }
      fail(e);
    }
  }
}
