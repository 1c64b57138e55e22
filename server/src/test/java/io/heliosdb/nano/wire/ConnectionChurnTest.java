package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.wire.auth.Authentication;
import io.heliosdb.nano.wire.auth.Scram;
import io.heliosdb.nano.wire.messages.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * 3,000 connections opened and dropped from four threads, in every way a client can go: right after
 * connecting, after the StartupMessage, in the middle of the SCRAM exchange, after a query without
 * Terminate, and cleanly. Afterwards the server has no session, connection or file descriptor left
 * from them, serves a new session, and a listener connected the whole time has received every
 * notification sent meanwhile.
 */
class ConnectionChurnTest {
  private static final int CONNECTIONS = 3000;
  private static final int THREADS = 4;
  private static final String PASSWORD = "s3cret";

  @TempDir Path dir;
  private WireServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private Connection jdbc() throws Exception {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + server.port() + "/churn", "ann", PASSWORD);
  }

  private static long openFileDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  /** One connection, dropped the way {@code kind} says. */
  private void churn(int kind) throws Exception {
    switch (kind) {
      case 0 -> new Socket("127.0.0.1", server.port()).close(); // nothing sent
      case 1 -> {
        try (RawClient c = new RawClient(server.port())) {
          c.send(Frames.startup("user", "ann", "database", "churn"));
        }
      }
      case 2 -> {
        try (RawClient c = new RawClient(server.port())) {
          c.send(Frames.startup("user", "ann", "database", "churn"));
          assertThat(c.read().type()).isEqualTo('R'); // AuthenticationSASL
          c.send(saslInitialResponse("n,,n=,r=churnchurnchurnchurn"));
          assertThat(c.read().type()).isEqualTo('R'); // AuthenticationSASLContinue: gone now
        }
      }
      case 3 -> {
        Connection c = jdbc();
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT 1")) {
          assertThat(rs.next()).isTrue();
        }
        c.abort(Runnable::run); // closes the socket without Terminate
      }
      default -> {
        try (Connection c = jdbc();
            Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT 1")) {
          assertThat(rs.next()).isTrue();
        }
      }
    }
  }

  private static ByteBuf saslInitialResponse(String clientFirst) {
    byte[] first = clientFirst.getBytes(StandardCharsets.UTF_8);
    ByteBuf body = Unpooled.buffer();
    body.writeCharSequence(Scram.MECHANISM, StandardCharsets.UTF_8);
    body.writeByte(0);
    body.writeInt(first.length);
    body.writeBytes(first);
    byte[] b = new byte[body.readableBytes()];
    body.readBytes(b);
    return Frames.typed('p', b);
  }

  @Test
  void thousandsOfDroppedConnectionsLeaveNothingBehind() throws Exception {
    server =
        WireServer.start(
            HeliosDB.open(dir.resolve("churn.db")),
            WireServer.Options.loopback(0)
                .with(Authentication.scram(Map.of("ann", Scram.verifier(PASSWORD)))));
    for (int kind = 0; kind < 5; kind++) {
      churn(kind); // warm up: classes loaded, pools started, before counting descriptors
    }
    await().atMost(Duration.ofMinutes(1)).until(() -> server.connectionCount() == 0);

    try (Connection listener = jdbc();
        Connection publisher = jdbc();
        Statement l = listener.createStatement();
        Statement p = publisher.createStatement()) {
      l.execute("LISTEN churn");
      List<String> received = new ArrayList<>();
      AtomicBoolean churning = new AtomicBoolean(true);
      AtomicReference<Exception> publishing = new AtomicReference<>();
      AtomicInteger published = new AtomicInteger();
      Thread pub =
          new Thread(
              () -> {
                try {
                  while (churning.get()) {
                    p.execute("NOTIFY churn, '" + published.get() + "'");
                    published.incrementAndGet();
                  }
                  p.execute("NOTIFY churn, 'end'");
                } catch (Exception e) {
                  publishing.set(e);
                }
              });
      PGConnection pg = listener.unwrap(PGConnection.class);
      long before = openFileDescriptors();
      int sessionsBefore = server.sessionCount();
      assertThat(sessionsBefore).isEqualTo(2);
      pub.start();

      ExecutorService threads = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          int first = t;
          done.add(
              threads.submit(
                  () -> {
                    for (int i = first; i < CONNECTIONS; i += THREADS) {
                      churn(i % 5);
                    }
                    return null;
                  }));
        }
        for (Future<?> f : done) {
          while (!f.isDone()) {
            collect(pg.getNotifications(100), received); // the listener keeps reading
          }
          f.get();
        }
      } finally {
        churning.set(false);
        pub.join();
        threads.shutdown();
      }
      assertThat(publishing.get()).isNull();

      // Every notification sent during the churn reached the listener, in order.
      for (int waited = 0; !received.contains("end") && waited < 60; waited++) {
        collect(pg.getNotifications(1000), received);
      }
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < published.get(); i++) {
        expected.add(String.valueOf(i));
      }
      expected.add("end");
      assertThat(published.get()).isPositive();
      assertThat(received).isEqualTo(expected);

      // Nothing left over from the 3,000.
      await().atMost(Duration.ofMinutes(1)).until(() -> server.connectionCount() == 2);
      await().atMost(Duration.ofMinutes(1)).until(() -> server.sessionCount() == sessionsBefore);
      assertThat(server.registry().sessions()).hasSize(2);
      await()
          .atMost(Duration.ofMinutes(1))
          .untilAsserted(() -> assertThat(openFileDescriptors()).isLessThanOrEqualTo(before + 10));

      try (Connection fresh = jdbc();
          Statement s = fresh.createStatement();
          ResultSet rs = s.executeQuery("SELECT 40 + 2")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(42);
      }
    }
    await().atMost(Duration.ofMinutes(1)).until(() -> server.sessionCount() == 0);
    assertThat(server.registry().sessions()).isEmpty();
  }

  private static void collect(PGNotification[] got, List<String> into) {
    if (got != null) {
      for (PGNotification n : got) {
        into.add(n.getParameter());
      }
    }
  }
}
