package io.heliosdb.nano.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.Notification;
import io.heliosdb.nano.Subscription;
import io.heliosdb.nano.config.FederationSettings;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.metrics.DefaultMetrics;
import io.heliosdb.nano.metrics.MetricsTracker.FederationEvent;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Non-durable federated channels between three nodes (three databases on separate files) through a
 * real nats-server: once to every other node, never back, never echoed, rolled back to nobody,
 * local channels local; an unreachable NATS at start; a payload at the size limit and a channel
 * name that is no NATS token; a message that is not ours.
 */
class FederationTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  @AutoClose private final Opened opened = new Opened();

  private <T extends AutoCloseable> T keep(T c) {
    return opened.keep(c);
  }

  static HeliosConfig.Builder node(Path dir, String name, String natsUrl, String... channels) {
    return HeliosConfig.builder()
        .path(dir.resolve(name + ".db"))
        .deviceId(name)
        .metrics(new DefaultMetrics())
        .federation(FederationSettings.builder().natsUrl(natsUrl).channels(channels).build());
  }

  private HeliosDB open(HeliosConfig config) {
    return keep(HeliosDB.open(config));
  }

  private static void awaitConnected(HeliosDB... dbs) {
    Opened.awaitConnected(WAIT, dbs);
  }

  /** Polls {@code sub} until a notification with {@code payload} came; returns all taken. */
  private static List<Notification> takeUntil(Subscription sub, Set<String> payloads)
      throws InterruptedException {
    List<Notification> got = new ArrayList<>();
    Set<String> missing = new HashSet<>(payloads);
    long end = System.nanoTime() + WAIT.toNanos();
    while (!missing.isEmpty() && System.nanoTime() < end) {
      Notification n = sub.poll(Duration.ofMillis(200));
      if (n != null) {
        got.add(n);
        missing.remove(n.payload());
      }
    }
    assertThat(missing).as("not received").isEmpty();
    return got;
  }

  private static void inTransaction(HeliosDB db, boolean commit, String... sql) throws Exception {
    try (HeliosConnection c = db.connection();
        Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      for (String s : sql) {
        st.execute(s);
      }
      if (commit) {
        c.commit();
      } else {
        c.rollback();
      }
    }
  }

  @Test
  void threeNodesEachGetTheOthersCommittedNotificationsOnce() throws Exception {
    NatsServer nats = keep(NatsServer.start());
    List<HeliosDB> nodes = new ArrayList<>();
    List<Subscription> subs = new ArrayList<>();
    for (String name : List.of("n1", "n2", "n3")) {
      HeliosDB db = open(node(dir, name, nats.url(), "alerts").build());
      nodes.add(db);
      subs.add(keep(db.pubsub().subscribe("alerts", "local")));
    }
    awaitConnected(nodes.toArray(HeliosDB[]::new));

    for (int i = 0; i < 3; i++) {
      String n = "n" + (i + 1);
      inTransaction(nodes.get(i), false, "NOTIFY alerts, 'rolled back " + n + "'");
      inTransaction(
          nodes.get(i), true, "NOTIFY alerts, 'from " + n + "'", "NOTIFY local, 'local " + n + "'");
    }
    // Each node's "done" comes after its others on the one NATS connection: once every node has
    // every "done", whatever else was on its way has arrived.
    for (int i = 0; i < 3; i++) {
      nodes.get(i).execute("NOTIFY alerts, 'done n" + (i + 1) + "'");
    }

    for (int i = 0; i < 3; i++) {
      String self = "n" + (i + 1);
      List<Notification> got = takeUntil(subs.get(i), Set.of("done n1", "done n2", "done n3"));
      List<String> seen = new ArrayList<>();
      for (Notification n : got) {
        seen.add(n.channel() + ":" + n.payload() + "@" + n.origin());
      }
      assertThat(seen)
          .as("node " + self)
          .containsExactlyInAnyOrder(
              "alerts:from n1@n1",
              "alerts:from n2@n2",
              "alerts:from n3@n3",
              "local:local " + self + "@" + self,
              "alerts:done n1@n1",
              "alerts:done n2@n2",
              "alerts:done n3@n3");
      // Per origin, commit order.
      for (String origin : List.of("n1", "n2", "n3")) {
        assertThat(
                got.stream()
                    .filter(n -> n.origin().equals(origin) && n.channel().equals("alerts"))
                    .map(Notification::payload))
            .containsExactly("from " + origin, "done " + origin);
      }
      DefaultMetrics m = (DefaultMetrics) nodes.get(i).config().metrics();
      // Counted after the publication returns, which may be after the others received it.
      Awaitility.await()
          .atMost(WAIT)
          .until(() -> m.federationCount(FederationEvent.FORWARDED) == 2);
      assertThat(m.federationCount(FederationEvent.RECEIVED)).isEqualTo(4);
    }
  }

  @Test
  void aJdbcListenerHearsOtherNodesWithTheirOrigin() throws Exception {
    NatsServer nats = keep(NatsServer.start());
    HeliosDB a = open(node(dir, "a", nats.url(), "alerts").build());
    HeliosDB b = open(node(dir, "b", nats.url(), "alerts").build());
    awaitConnected(a, b);
    HeliosConnection listener = keep(b.connection());
    try (Statement st = listener.createStatement()) {
      st.execute("LISTEN alerts");
    }
    a.execute("NOTIFY alerts, 'over jdbc'");
    Notification[] got = listener.getNotifications((int) WAIT.toMillis());
    assertThat(got).hasSize(1);
    assertThat(got[0].payload()).isEqualTo("over jdbc");
    assertThat(got[0].origin()).isEqualTo("a");
  }

  /** A short-lived process (heliosdb sql -c "NOTIFY ...") closes right after committing. */
  @Test
  void aNotificationCommittedJustBeforeCloseStillGoesOut() throws Exception {
    NatsServer nats = keep(NatsServer.start());
    HeliosDB b = open(node(dir, "b", nats.url(), "alerts").build());
    Subscription sub = keep(b.pubsub().subscribe("alerts"));
    try (HeliosDB a = HeliosDB.open(node(dir, "a", nats.url(), "alerts").build())) {
      awaitConnected(a, b);
      for (int i = 0; i < 100; i++) {
        a.execute("NOTIFY alerts, 'last " + i + "'");
      }
    }
    for (int i = 0; i < 100; i++) {
      assertThat(sub.poll(WAIT).payload()).isEqualTo("last " + i);
    }
  }

  @Test
  void anUnreachableNatsAtStartIsTriedAgainAndUsedOnceUp() throws Exception {
    int port = NatsServer.freePort();
    String url = "nats://127.0.0.1:" + port;
    HeliosDB a = open(node(dir, "a", url, "alerts").build());
    HeliosDB b = open(node(dir, "b", url, "alerts").build());
    assertThat(a.federation().orElseThrow().connected()).isFalse();
    Subscription sub = keep(b.pubsub().subscribe("alerts"));
    a.execute("NOTIFY alerts, 'while away'"); // at most once: NATS core keeps nothing
    assertThat(sub.poll(Duration.ofMillis(100))).isNull();

    keep(NatsServer.startOn(port));
    awaitConnected(a, b);
    a.execute("NOTIFY alerts, 'once up'");
    Notification n = sub.poll(WAIT);
    assertThat(n.payload()).isEqualTo("once up");
    assertThat(n.origin()).isEqualTo("a");
  }

  @Test
  void aPayloadAtTheLimitAndAChannelThatIsNoNatsToken() throws Exception {
    NatsServer nats = keep(NatsServer.start());
    String channel = "Site A.zone *1 é>";
    HeliosDB a = open(node(dir, "a", nats.url(), "Site A.*").maxPayloadBytes(1024).build());
    HeliosDB b = open(node(dir, "b", nats.url(), "Site A.*").maxPayloadBytes(1024).build());
    awaitConnected(a, b);
    Subscription sub = keep(b.pubsub().subscribe(channel));
    String payload = "é".repeat(511) + "x"; // 1023 bytes: the most a payload may have
    assertThat(payload.getBytes(StandardCharsets.UTF_8)).hasSize(1023);
    a.execute("SELECT pg_notify(?, ?)", channel, payload);
    Notification n = sub.poll(WAIT);
    assertThat(n.channel()).isEqualTo(channel);
    assertThat(n.payload()).isEqualTo(payload);
    assertThat(n.origin()).isEqualTo("a");
  }

  @Test
  void aMessageThatIsNotOursIsIgnoredAndCounted() throws Exception {
    NatsServer nats = keep(NatsServer.start());
    HeliosDB a = open(node(dir, "a", nats.url(), "alerts").build());
    awaitConnected(a);
    Subscription sub = keep(a.pubsub().subscribe("alerts"));
    try (Connection other = Nats.connect(nats.url())) {
      other.publish("heliosdb.n.x.alerts", "not an envelope".getBytes(StandardCharsets.UTF_8));
      other.publish("heliosdb.n.x.alerts", "HDB9 x 1 0 alerts\nfuture".getBytes());
      other.publish("heliosdb.n.x.alerts", "HDB1 x 1 0 %ZZ\nbad token".getBytes());
      other.publish(
          "heliosdb.n.x.alerts",
          new Envelope("x", 7, 0, "alerts", "good").encode()); // a real one, after them
      other.flush(WAIT);
    }
    Notification n = sub.poll(WAIT);
    assertThat(n.payload()).isEqualTo("good");
    assertThat(n.origin()).isEqualTo("x");
    assertThat(n.senderPid()).isEqualTo(7);
    DefaultMetrics m = (DefaultMetrics) a.config().metrics();
    assertThat(m.federationCount(FederationEvent.IGNORED)).isEqualTo(3);
    assertThat(m.federationCount(FederationEvent.RECEIVED)).isEqualTo(1);
  }

  @Test
  void withoutFederationNothingConnectsAndLocalOriginIsTheNodeName() throws Exception {
    HeliosDB a =
        open(HeliosConfig.builder().path(dir.resolve("plain.db")).deviceId("solo").build());
    assertThat(a.federation()).isEmpty();
    Subscription sub = keep(a.pubsub().subscribe("alerts"));
    a.execute("NOTIFY alerts, 'hi'");
    assertThat(sub.poll(WAIT).origin()).isEqualTo("solo");
  }
}
