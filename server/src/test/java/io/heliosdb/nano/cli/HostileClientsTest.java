package io.heliosdb.nano.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.wire.limits.MemoryBudget;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Issue 11, item 3: {@code heliosdb serve} in a child JVM with a small heap is sent at least
 * 100,000 random and malformed messages over thousands of connections (random bytes before and
 * after a StartupMessage, well-framed messages of random types and bodies, lying lengths and counts
 * in Parse, Bind and Execute, Sync storms, and garbage, broken requests and WebSocket frames on the
 * HTTP port) while a pgjdbc session LISTENs and another NOTIFYs. The child must not run out of
 * memory (-XX:+ExitOnOutOfMemoryError ends it if it does), must stay alive and answer /health, the
 * listener must receive every notification in order, and the lying Bind of the issue must be
 * answered with 08P01 before the connection closes. Seeded: the seed is in every failure message;
 * {@code -Dheliosdb.hostile.seed=N} replays one, {@code -Dheliosdb.hostile.scale=10} runs ten times
 * as many connections.
 */
class HostileClientsTest {
  private static final int SCALE = Integer.getInteger("heliosdb.hostile.scale", 1);
  private static final int CONNECTIONS = 2_500 * SCALE;
  private static final int MIN_MESSAGES = 100_000 * SCALE;
  private static final int CLIENT_THREADS = 4;

  @TempDir Path dir;

  private final AtomicLong messages = new AtomicLong();
  private final Map<String, Double> peaks = new ConcurrentHashMap<>();

  /** "xmx128m": a small heap and nothing else; "edge": the budget of the edge device's config. */
  @ParameterizedTest
  @ValueSource(strings = {"xmx128m", "edge"})
  void theServerSurvivesHostileClientsAndKeepsDeliveringInOrder(String jvm) throws Exception {
    long seed = Long.getLong("heliosdb.hostile.seed", System.nanoTime());
    String why = "seed " + seed + " (-Dheliosdb.hostile.seed=" + seed + "), " + jvm;
    System.out.println("HostileClientsTest " + why);
    Path config = dir.resolve("edge.toml");
    Files.writeString(
        config,
        "[database]\npath = \"edge.db\"\nmemory_limit_mb = 64\npage_size = 512\n"
            + "enable_wal = true\n\n[pubsub]\nenabled = true\nmax_channels = 50\n"
            + "max_payload_bytes = 1024\n\n[monitoring]\nmetrics_enabled = true\n");
    List<String> options = new ArrayList<>();
    options.add("-XX:+ExitOnOutOfMemoryError");
    if (jvm.equals("xmx128m")) {
      options.add("-Xmx128m");
    } else {
      options.addAll(MemoryBudget.of(null, 64).jvmOptions());
    }
    try (ServeProcess child =
            ServeProcess.start(
                options, "--config", config.toString(), "--port", "0", "--http-port", "0");
        Connection listener = connect(child.port);
        Connection notifier = connect(child.port)) {
      assertThat(child.process.isAlive()).as(why + ":\n" + child.output()).isTrue();
      try (Statement s = listener.createStatement()) {
        s.execute("LISTEN good");
      }
      ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS + 2);
      List<Future<?>> clients = new ArrayList<>();
      List<String> bindAnswers = new ArrayList<>();
      for (int t = 0; t < CLIENT_THREADS; t++) {
        long threadSeed = seed + t;
        int share = CONNECTIONS / CLIENT_THREADS;
        clients.add(pool.submit(() -> hostile(child, new Random(threadSeed), share, bindAnswers)));
      }
      Future<Integer> sent = pool.submit(() -> notifyWhile(notifier, clients));
      Future<List<String>> received = pool.submit(() -> listen(listener, sent));
      Future<?> monitor = pool.submit(() -> monitor(child, clients));
      for (Future<?> f : clients) {
        f.get(10, TimeUnit.MINUTES);
      }
      int count = sent.get(1, TimeUnit.MINUTES);
      List<String> got = received.get(1, TimeUnit.MINUTES);
      monitor.get(1, TimeUnit.MINUTES);
      pool.shutdown();

      System.out.printf(
          "HostileClientsTest %s: %d messages over %d connections, %d notifications; peaks %s%n",
          jvm, messages.get(), CONNECTIONS, count, peaks);
      assertThat(child.process.isAlive()).as(why + ":\n" + child.output()).isTrue();
      assertThat(child.output()).as(why).doesNotContain("OutOfMemoryError");
      assertThat(messages.get()).isGreaterThanOrEqualTo(MIN_MESSAGES);
      assertThat(bindAnswers).as(why).isNotEmpty().allMatch(a -> a.equals("08P01"));
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        expected.add(Integer.toString(i));
      }
      assertThat(got).as(why).isEqualTo(expected);
      assertThat(child.get("/health").statusCode()).as(why).isEqualTo(200);
    }
  }

  /** {@code connections} hostile connections, one after another; every 25th a lying Bind. */
  private void hostile(ServeProcess child, Random random, int connections, List<String> binds) {
    HostileMessages gen = new HostileMessages(random);
    for (int i = 0; i < connections; i++) {
      try {
        if (i % 25 == 0) {
          String answer = lyingBind(child.port, i % 50 == 0 ? 1_000_000_000 : Integer.MAX_VALUE);
          synchronized (binds) {
            binds.add(answer);
          }
        } else if (random.nextInt(10) == 0) {
          send(child.httpPort, List.of(gen.http()));
        } else {
          send(child.port, wireConnection(gen, random));
        }
      } catch (IOException e) {
        // the server closed a connection it had answered: what hostile clients get
      }
    }
  }

  /** The frames of one wire connection: garbage first, or a startup and a stream of messages. */
  private static List<byte[]> wireConnection(HostileMessages gen, Random random) {
    List<byte[]> frames = new ArrayList<>();
    int shape = random.nextInt(10);
    if (shape == 0) {
      frames.add(gen.garbage(200)); // random bytes before the startup
      frames.add(HostileMessages.startup());
      return frames;
    }
    frames.add(HostileMessages.startup());
    if (shape == 1) {
      frames.add(gen.garbage(300)); // random bytes after it
      return frames;
    }
    int n = 20 + random.nextInt(60);
    for (int k = 0; k < n; k++) {
      if (random.nextInt(20) == 0) {
        for (int s = random.nextInt(50); s >= 0; s--) {
          frames.add(HostileMessages.typed('S', new byte[0])); // a Sync storm
        }
      }
      frames.add(gen.message());
    }
    frames.add(random.nextInt(4) == 0 ? gen.lyingLength() : HostileMessages.terminate());
    return frames;
  }

  /** Writes the frames, then reads (and drops) what the server answers until it closes. */
  private void send(int port, List<byte[]> frames) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port));
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      for (byte[] f : frames) {
        out.write(f);
        messages.incrementAndGet();
      }
      out.flush();
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      byte[] sink = new byte[8192];
      try {
        while (in.read(sink) >= 0) {
          // the answers
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the server neither answered nor closed in 30 s", e);
      }
    }
  }

  /** Parse 'SELECT $1::text', the lying Bind, Sync: the SQLSTATE of the ErrorResponse. */
  private String lyingBind(int port, int declared) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port));
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(HostileMessages.startup());
      out.write(HostileMessages.parse("SELECT $1::text"));
      out.write(HostileMessages.lyingBind(declared));
      out.flush();
      messages.addAndGet(4);
      DataInputStream in = new DataInputStream(s.getInputStream());
      try {
        while (true) {
          char type = (char) in.readUnsignedByte();
          byte[] body = new byte[in.readInt() - 4];
          in.readFully(body);
          if (type == 'E') {
            return field(body, 'C');
          }
        }
      } catch (EOFException e) {
        return "closed without an ErrorResponse";
      }
    }
  }

  /** A field of an ErrorResponse body. */
  private static String field(byte[] body, char code) {
    String text = new String(body, StandardCharsets.UTF_8);
    for (String f : text.split("\0")) {
      if (!f.isEmpty() && f.charAt(0) == code) {
        return f.substring(1);
      }
    }
    return null;
  }

  /** NOTIFY good, '0', '1', ... until the hostile clients are done; how many were sent. */
  private static int notifyWhile(Connection notifier, List<Future<?>> clients) throws Exception {
    int n = 0;
    try (Statement s = notifier.createStatement()) {
      while (n < 20 || clients.stream().anyMatch(f -> !f.isDone())) {
        s.execute("NOTIFY good, '" + n++ + "'");
        Thread.sleep(20); // a steady trickle, not a wait for anything
      }
    }
    return n;
  }

  /** What the listener receives, until it has as many as were sent. */
  private static List<String> listen(Connection listener, Future<Integer> sent) throws Exception {
    List<String> got = new ArrayList<>();
    PGConnection pg = listener.unwrap(PGConnection.class);
    while (!sent.isDone()) {
      addAll(got, pg.getNotifications(500));
    }
    int total = sent.get();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> addAll(got, pg.getNotifications(500)) >= total);
    return got;
  }

  private static int addAll(List<String> got, PGNotification[] batch) {
    if (batch != null) {
      for (PGNotification n : batch) {
        got.add(n.getParameter());
      }
    }
    return got.size();
  }

  /** Records the peaks of the child's memory from /metrics while the clients run. */
  private void monitor(ServeProcess child, List<Future<?>> clients) {
    List<String> samples =
        List.of(
            "process_resident_memory_bytes",
            "jvm_memory_used_bytes{area=\"heap\"}",
            "jvm_buffer_pool_used_bytes{pool=\"direct\"}",
            "heliosdb_wire_buffered_bytes",
            "heliosdb_wire_session_buffered_bytes_max",
            "heliosdb_wire_sessions");
    while (clients.stream().anyMatch(f -> !f.isDone())) {
      try {
        for (String s : samples) {
          peaks.merge(s, child.metric(s), Math::max);
        }
        Thread.sleep(500); // a sampling interval, not a wait for an event
      } catch (Exception e) {
        return;
      }
    }
  }

  private static Connection connect(int port) throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/x", "good", "");
  }
}
