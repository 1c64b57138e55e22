package io.heliosdb.nano.examples;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.Notification;
import io.heliosdb.nano.Subscription;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.examples.ProductCache.Product;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * One application instance of the cache-invalidation example, in a process of its own: a {@link
 * ProductCache} filled lazily by reads of {@code products} (random ids, {@code --reads-per-second}
 * of them), and a listener on {@code cache_invalidate} that evicts {@code product:<id>} as the
 * triggers' notifications arrive from the writer's process (cross-process delivery on the shared
 * file), or, with {@code --redis HOST:PORT}, as the writer's {@code PUBLISH}es arrive from Redis.
 *
 * <p>{@link CacheInvalidation} starts it and talks to it in lines, on its standard input and
 * output; so can a person or a test:
 *
 * <pre>
 *   (it prints, once it listens)  ready
 *   get ID        value ID VERSION PRICE hit|miss   or   absent ID       a read through the cache
 *   cached ID     cached ID yes|no                                      is it in the map?
 *   finish COUNT  waits (up to a minute) until COUNT invalidations arrived, stops reading, checks
 *                 every cached row against the database and prints, then exits:
 *                 evictions N, then N lines "ID NANOS" (arrival order, System.nanoTime() when the
 *                 key was gone), up to 10 lines "stale ID cached=... database=...", and
 *                 "result received=R evicted=E overflows=O cached=C stale=S hits=H misses=M
 *                 discarded=D" (one line)
 * </pre>
 *
 * End of input closes it too.
 */
public final class CacheInstance implements AutoCloseable {
  static final String CHANNEL = "cache_invalidate";
  static final String KEY_PREFIX = "product:";
  private static final long FINISH_WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final HeliosDB db;
  private final int products;
  private final ProductCache cache = new ProductCache();
  private final Evictions evictions = new Evictions();
  private final ExecutorService listenerThread =
      Executors.newSingleThreadExecutor(daemon("cache-invalidations"));
  private final Subscription subscription;
  private final RedisListener redis;
  private volatile boolean reading = true;
  private Thread reader;

  private CacheInstance(Path file, int products, String redisAddress) throws InterruptedException {
    this.products = products;
    // Cross-process delivery only where the notifications are the invalidations.
    this.db = HeliosDB.open(config(file, redisAddress == null));
    try {
      if (redisAddress == null) {
        subscription = db.pubsub().subscribe(List.of(CHANNEL), listenerThread, this::onNotify);
        redis = null;
      } else {
        subscription = null;
        redis = new RedisListener(redisAddress);
      }
    } catch (RuntimeException | InterruptedException e) {
      db.close();
      throw e;
    }
  }

  static HeliosConfig config(Path file, boolean crossProcess) {
    return HeliosConfig.builder().path(file).crossProcess(crossProcess).build();
  }

  private void onNotify(Notification n) {
    if (n.isOverflow()) {
      // Some invalidations were dropped: nothing cached can be trusted any more.
      cache.clear();
      evictions.overflow();
      return;
    }
    invalidate(n.payload());
  }

  /** Evicts the key of a {@code product:<id>} payload and notes when it was gone. */
  private void invalidate(String payload) {
    if (!payload.startsWith(KEY_PREFIX)) {
      return;
    }
    long id = Long.parseLong(payload.substring(KEY_PREFIX.length()));
    boolean wasCached = cache.evict(id);
    evictions.add(id, System.nanoTime(), wasCached);
  }

  /** A read through the cache: a hit, or the row loaded from the database (null: none). */
  ProductCache.Read get(long id) {
    return cache.get(id, this::load);
  }

  private Product load(long id) {
    List<Map<String, Object>> rows =
        db.query("SELECT id, name, price_cents, version FROM products WHERE id = ?", id);
    if (rows.isEmpty()) {
      return null;
    }
    Map<String, Object> r = rows.get(0);
    return new Product(
        ((Number) r.get("id")).longValue(),
        (String) r.get("name"),
        ((Number) r.get("price_cents")).longValue(),
        ((Number) r.get("version")).longValue());
  }

  /** Reads random products at {@code perSecond} on a thread of its own, until {@link #finish}. */
  void startReading(int perSecond) {
    if (perSecond <= 0) {
      return;
    }
    reader =
        new Thread(
            () -> {
              long interval = 1_000_000_000L / perSecond;
              long next = System.nanoTime();
              while (reading) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                  LockSupport.parkNanos(wait);
                  continue;
                }
                try {
                  get(1 + ThreadLocalRandom.current().nextLong(products));
                } catch (RuntimeException e) {
                  if (reading) {
                    System.err.println("cache-instance: read failed: " + e);
                  }
                }
                next += interval;
              }
            },
            "cache-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Waits until {@code expected} invalidations arrived (at most a minute), stops reading, and
   * checks every cached row against the database; prints the report described on the class.
   */
  void finish(long expected, PrintStream out) throws InterruptedException {
    evictions.await(expected, FINISH_WAIT_NANOS);
    reading = false;
    if (reader != null) {
      reader.join();
    }
    long[][] arrived = evictions.snapshot();
    StringBuilder b = new StringBuilder();
    b.append("evictions ").append(arrived[0].length).append('\n');
    for (int i = 0; i < arrived[0].length; i++) {
      b.append(arrived[0][i]).append(' ').append(arrived[1][i]).append('\n');
    }
    Map<Long, Product> cached = cache.snapshot();
    int stale = 0;
    for (Map.Entry<Long, Product> e : cached.entrySet()) {
      Product now = load(e.getKey());
      if (!e.getValue().equals(now)) {
        if (++stale <= 10) {
          b.append("stale ")
              .append(e.getKey())
              .append(" cached=")
              .append(e.getValue().line().replace(' ', ','))
              .append(" database=")
              .append(now == null ? "absent" : now.line().replace(' ', ','))
              .append('\n');
        }
      }
    }
    b.append(
        String.format(
            "result received=%d evicted=%d overflows=%d cached=%d stale=%d hits=%d misses=%d"
                + " discarded=%d",
            arrived[0].length,
            evictions.evictedCached(),
            evictions.overflows(),
            cached.size(),
            stale,
            cache.hits(),
            cache.misses(),
            cache.discardedLoads()));
    out.println(b);
    out.flush();
  }

  @Override
  public void close() {
    reading = false;
    if (subscription != null) {
      subscription.close();
    }
    if (redis != null) {
      redis.close();
    }
    listenerThread.shutdownNow();
    db.close();
  }

  /** The invalidations that arrived, in order: key, System.nanoTime() once it was gone. */
  private static final class Evictions {
    private long[] ids = new long[1024];
    private long[] nanos = new long[1024];
    private int size;
    private long evictedCached;
    private long overflows;

    synchronized void add(long id, long at, boolean wasCached) {
      if (size == ids.length) {
        ids = Arrays.copyOf(ids, size * 2);
        nanos = Arrays.copyOf(nanos, size * 2);
      }
      ids[size] = id;
      nanos[size++] = at;
      if (wasCached) {
        evictedCached++;
      }
      notifyAll();
    }

    synchronized void overflow() {
      overflows++;
      notifyAll();
    }

    synchronized void await(long count, long timeoutNanos) throws InterruptedException {
      long deadline = System.nanoTime() + timeoutNanos;
      while (size < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }

    synchronized long[][] snapshot() {
      return new long[][] {Arrays.copyOf(ids, size), Arrays.copyOf(nanos, size)};
    }

    synchronized long evictedCached() {
      return evictedCached;
    }

    synchronized long overflows() {
      return overflows;
    }
  }

  /** SUBSCRIBE cache_invalidate on Redis, on a thread of its own (Jedis blocks in subscribe). */
  private final class RedisListener implements AutoCloseable {
    private final Jedis jedis;
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private volatile boolean closing;
    private final JedisPubSub pubsub =
        new JedisPubSub() {
          @Override
          public void onMessage(String channel, String message) {
            invalidate(message);
          }

          @Override
          public void onSubscribe(String channel, int subscribedChannels) {
            subscribed.countDown();
          }
        };

    RedisListener(String address) throws InterruptedException {
      String[] hostPort = hostAndPort(address);
      jedis = new Jedis(hostPort[0], Integer.parseInt(hostPort[1]));
      Thread t = new Thread(this::listen, "cache-redis");
      t.setDaemon(true);
      t.start();
      if (!subscribed.await(30, TimeUnit.SECONDS) || !pubsub.isSubscribed()) {
        close();
        throw new IllegalStateException("cannot SUBSCRIBE on Redis at " + address);
      }
    }

    private void listen() {
      try {
        jedis.subscribe(pubsub, CHANNEL);
      } catch (RuntimeException e) {
        if (!closing) {
          System.err.println("cache-instance: the Redis subscription ended: " + e);
          cache.clear(); // invalidations may be lost from here on
        }
      } finally {
        subscribed.countDown();
      }
    }

    @Override
    public void close() {
      closing = true;
      try {
        if (pubsub.isSubscribed()) {
          pubsub.unsubscribe();
        }
      } catch (RuntimeException e) {
        // the connection is gone already
      }
      jedis.close();
    }
  }

  /** {@code HOST:PORT} split; the port must be a number. */
  static String[] hostAndPort(String address) {
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      throw new IllegalArgumentException("--redis must be HOST:PORT, not " + address);
    }
    String port = address.substring(colon + 1);
    try {
      Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--redis must be HOST:PORT, not " + address, e);
    }
    return new String[] {address.substring(0, colon), port};
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * {@code --db FILE} (the shared database, with the schema of {@link CacheInvalidation}), {@code
   * --products N} (reads pick ids 1 to N; 1000), {@code --reads-per-second R} (1000; 0: only the
   * reads asked for on standard input), {@code --redis HOST:PORT} (invalidations from Redis
   * instead).
   */
  public static void main(String[] args) throws Exception {
    Flags f;
    try {
      f = new Flags(args, Set.of("--db", "--products", "--reads-per-second", "--redis"));
      if (f.get("--db", null) == null) {
        throw new IllegalArgumentException("--db FILE is required");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("cache-instance: " + e.getMessage());
      System.exit(2);
      return;
    }
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    try (CacheInstance instance =
        new CacheInstance(
            Path.of(f.get("--db", null)), f.integer("--products", 1000), f.get("--redis", null))) {
      out.println("ready");
      out.flush();
      instance.startReading(f.integer("--reads-per-second", 1000));
      instance.serve(
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), out);
    }
  }

  /** Answers the commands of {@code in} until {@code finish} or the end of the input. */
  void serve(BufferedReader in, PrintStream out) throws IOException, InterruptedException {
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.strip().split("\\s+");
      List<String> w = new ArrayList<>(Arrays.asList(words));
      try {
        switch (w.get(0)) {
          case "get" -> {
            ProductCache.Read r = get(Long.parseLong(w.get(1)));
            out.println(
                r.product() == null
                    ? "absent " + w.get(1)
                    : "value " + r.product().line() + (r.hit() ? " hit" : " miss"));
          }
          case "cached" ->
              out.println(
                  "cached "
                      + w.get(1)
                      + (cache.peek(Long.parseLong(w.get(1))) != null ? " yes" : " no"));
          case "finish" -> {
            finish(Long.parseLong(w.get(1)), out);
            return;
          }
          case "" -> {
            continue;
          }
          default -> out.println("error unknown command " + w.get(0));
        }
      } catch (RuntimeException e) {
        out.println("error " + e.getMessage());
      }
      out.flush();
    }
  }
}
