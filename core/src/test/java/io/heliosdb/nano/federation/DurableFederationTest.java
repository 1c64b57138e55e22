package io.heliosdb.nano.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.Notification;
import io.heliosdb.nano.Subscription;
import io.heliosdb.nano.config.FederationSettings;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.metrics.DefaultMetrics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable federated channels through JetStream: store-and-forward across a NATS outage, a node that
 * was closed catching up from its stored stream sequence, and a node killed with kill -9 while it
 * forwards. Every durable notification arrives exactly once at every other node, in per-origin
 * order; what arrives is in the receiver's durable log with its origin.
 */
class DurableFederationTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  @AutoClose private final Opened opened = new Opened();

  private <T extends AutoCloseable> T keep(T c) {
    return opened.keep(c);
  }

  private HeliosConfig config(String name, String url) {
    return HeliosConfig.builder()
        .path(dir.resolve(name + ".db"))
        .deviceId(name)
        .metrics(new DefaultMetrics())
        .durableChannels("orders")
        .federation(FederationSettings.builder().natsUrl(url).channels("orders").build())
        .build();
  }

  private static void awaitConnected(HeliosDB... dbs) {
    Opened.awaitConnected(WAIT, dbs);
  }

  /**
   * The payloads from {@code origin} in the durable log of {@code file}, in log order; null: those
   * committed there.
   */
  private static List<String> received(Path file, String origin) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT payload FROM heliosdb_notifications WHERE "
                    + (origin == null ? "origin IS NULL" : "origin = '" + origin + "'")
                    + " ORDER BY id")) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    }
  }

  private static List<String> numbered(String prefix, int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      out.add(prefix + i);
    }
    return out;
  }

  private void awaitReceived(String node, String origin, List<String> expected) {
    Path file = dir.resolve(node + ".db");
    Awaitility.await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> received(file, origin).size() >= expected.size());
    try {
      assertThat(received(file, origin)).as(node + " from " + origin).isEqualTo(expected);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void anOutageLosesNothingAndDuplicatesNothing() throws Exception {
    NatsServer nats = keep(NatsServer.start());
    HeliosDB a = keep(HeliosDB.open(config("a", nats.url())));
    HeliosDB b = keep(HeliosDB.open(config("b", nats.url())));
    HeliosDB c = keep(HeliosDB.open(config("c", nats.url())));
    Subscription onC = keep(c.pubsub().subscribe("orders"));
    awaitConnected(a, b, c);
    a.execute("NOTIFY orders, 'a1'");
    b.execute("NOTIFY orders, 'b1'");
    awaitReceived("c", "a", List.of("a1"));
    awaitReceived("c", "b", List.of("b1"));

    nats.stop();
    for (int i = 2; i <= 30; i++) {
      a.execute("NOTIFY orders, 'a" + i + "'");
      b.execute("NOTIFY orders, 'b" + i + "'");
    }
    Awaitility.await()
        .atMost(WAIT)
        .until(() -> a.federation().orElseThrow().pendingForward() == 29);
    assertThat(a.federation().orElseThrow().connected()).isFalse();

    nats.restart();
    for (String node : List.of("a", "b", "c")) {
      if (!node.equals("a")) {
        awaitReceived(node, "a", numbered("a", 1, 30));
      }
      if (!node.equals("b")) {
        awaitReceived(node, "b", numbered("b", 1, 30));
      }
    }
    assertThat(received(dir.resolve("a.db"), "a")).isEmpty(); // never its own back
    Awaitility.await().atMost(WAIT).until(() -> a.federation().orElseThrow().pendingForward() == 0);

    // Delivered live on c too, with their origin, in per-origin order.
    List<String> live = new ArrayList<>();
    while (live.size() < 60) {
      Notification n = onC.poll(WAIT);
      assertThat(n).isNotNull();
      live.add(n.origin() + ":" + n.payload());
    }
    assertThat(live.stream().filter(s -> s.startsWith("a:")).toList())
        .isEqualTo(numbered("a:a", 1, 30));
    assertThat(live.stream().filter(s -> s.startsWith("b:")).toList())
        .isEqualTo(numbered("b:b", 1, 30));
  }

  @Test
  void nodesWhereTheChannelIsNotDurableHearItLive() throws Exception {
    NatsServer nats = keep(NatsServer.start());
    HeliosDB a = keep(HeliosDB.open(config("a", nats.url())));
    FederationSettings shared =
        FederationSettings.builder().natsUrl(nats.url()).channels("orders").build();
    // b has no durable channel at all; c has one, but not orders.
    HeliosDB b =
        keep(
            HeliosDB.open(
                HeliosConfig.builder()
                    .path(dir.resolve("b.db"))
                    .deviceId("b")
                    .federation(shared)
                    .build()));
    HeliosDB c =
        keep(
            HeliosDB.open(
                HeliosConfig.builder()
                    .path(dir.resolve("c.db"))
                    .deviceId("c")
                    .durableChannels("other")
                    .federation(shared)
                    .build()));
    Subscription onB = keep(b.pubsub().subscribe("orders"));
    Subscription onC = keep(c.pubsub().subscribe("orders"));
    awaitConnected(a, b, c);
    a.execute("NOTIFY orders, 'a1'");
    for (Subscription sub : List.of(onB, onC)) {
      Notification n = sub.poll(WAIT);
      assertThat(n.payload()).isEqualTo("a1");
      assertThat(n.origin()).isEqualTo("a");
      assertThat(n.id()).isZero();
      assertThat(sub.poll(Duration.ofMillis(200))).isNull();
    }
  }

  @Test
  void durableNotificationsCommittedJustBeforeCloseGoOutAtClose() throws Exception {
    NatsServer nats = keep(NatsServer.start());
    HeliosDB b = keep(HeliosDB.open(config("b", nats.url())));
    try (HeliosDB a = HeliosDB.open(config("a", nats.url()))) {
      awaitConnected(a, b);
      for (int i = 1; i <= 300; i++) {
        a.execute("NOTIFY orders, 'a" + i + "'");
      }
    }
    awaitReceived("b", "a", numbered("a", 1, 300));
    try (HeliosDB a = HeliosDB.open(config("a", nats.url()))) {
      assertThat(a.federation().orElseThrow().pendingForward()).isZero();
    }
  }

  @Test
  void aClosedNodeCatchesUpFromItsStoredSequence() throws Exception {
    NatsServer nats = keep(NatsServer.start());
    HeliosDB a = keep(HeliosDB.open(config("a", nats.url())));
    HeliosDB b = HeliosDB.open(config("b", nats.url()));
    awaitConnected(a, b);
    a.execute("NOTIFY orders, 'a1'");
    awaitReceived("b", "a", List.of("a1"));
    b.close();
    for (int i = 2; i <= 20; i++) {
      a.execute("NOTIFY orders, 'a" + i + "'");
    }
    HeliosDB again = keep(HeliosDB.open(config("b", nats.url())));
    awaitReceived("b", "a", numbered("a", 1, 20));
    // A resuming subscriber reads them from b's log, origin included.
    Subscription sub =
        keep(
            again
                .pubsub()
                .subscribe(io.heliosdb.nano.SubscribeOptions.channels("orders").fromId(0)));
    Notification first = sub.poll(WAIT);
    assertThat(first.payload()).isEqualTo("a1");
    assertThat(first.origin()).isEqualTo("a");
  }

  @Test
  void aNodeKilledWhileForwardingLosesAndRepeatsNothing() throws Exception {
    NatsServer nats = keep(NatsServer.start());
    HeliosDB r = keep(HeliosDB.open(config("r", nats.url())));
    awaitConnected(r);
    Path w = dir.resolve("w.db");
    Process child = writer(w, nats.url(), 1, 100_000);
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    try {
      // Killed once it has committed a good many and r has some of them: mid-forwarding.
      long committed = 0;
      while (committed < 300) {
        committed = Long.parseLong(out.readLine());
      }
      Path rFile = dir.resolve("r.db");
      Awaitility.await().atMost(WAIT).until(() -> received(rFile, "w").size() >= 100);
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    List<String> inLog = received(w, null);
    // Restarted: it commits nothing more, and forwards what is still waiting.
    Process again = writer(w, nats.url(), 1, 0);
    try {
      awaitReceived("r", "w", inLog);
    } finally {
      again.destroyForcibly();
      again.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(inLog).isEqualTo(numbered("", 1, inLog.size()));
  }

  private Process writer(Path file, String url, long from, long to) throws Exception {
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            FederatedWriter.class.getName(),
            file.toString(),
            url,
            String.valueOf(from),
            String.valueOf(to))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }
}
