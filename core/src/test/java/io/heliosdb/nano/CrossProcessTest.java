package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliosdb.nano.config.HeliosConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two JVMs on one database file with cross-process delivery: each receives the other's committed
 * notifications and its own, complete and in one commit order, the same in both processes.
 */
class CrossProcessTest {
  private static final int PER_THREAD = 2_500;
  private static final Duration QUIET_LIMIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  static HeliosConfig config(Path file) {
    // Four writers in two processes take turns at SQLite's write lock: wait for it, do not fail.
    return HeliosConfig.builder().path(file).crossProcess(true).busyTimeoutMs(120_000).build();
  }

  @Test
  void tenThousandNotificationsFromFourWritersInTwoProcessesArriveInCommitOrderInBoth()
      throws Exception {
    Path file = dir.resolve("shared.db");
    Path childOut = dir.resolve("child-received.txt");
    int total = 4 * PER_THREAD;
    try (HeliosDB db = HeliosDB.open(config(file));
        Subscription sub = db.pubsub().subscribe("events")) {
      db.execute("CREATE TABLE events(id INTEGER PRIMARY KEY AUTOINCREMENT, writer TEXT, n INT)");
      db.execute(
          "CREATE TRIGGER events_notify AFTER INSERT ON events BEGIN "
              + "SELECT pg_notify('events', NEW.id); END");

      Process child = startChild(file, childOut, total);
      try (BufferedReader childStdout =
              new BufferedReader(
                  new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
          PrintWriter childStdin =
              new PrintWriter(
                  new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8), true)) {
        assertThat(childStdout.readLine()).isEqualTo("ready");
        childStdin.println("go");
        List<Thread> writers = startWriters(db, "parent", 2, PER_THREAD);
        List<String> received = receive(sub, total);
        for (Thread t : writers) {
          t.join();
        }
        assertThat(childStdout.readLine()).as("the child finished").isEqualTo("done");
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();

        List<String> committed = new ArrayList<>();
        db.query("SELECT id FROM events ORDER BY id")
            .forEach(r -> committed.add(r.get("id").toString()));
        assertThat(committed).hasSize(total);
        assertThat(received).as("this process: all, in commit order").isEqualTo(committed);
        assertThat(Files.readAllLines(childOut))
            .as("the other process: all, in commit order")
            .isEqualTo(committed);
      } finally {
        child.destroyForcibly();
      }
    }
  }

  @Test
  void aProcessThatOpensLaterGetsOnlyWhatCommitsAfterItSubscribed() throws Exception {
    Path file = dir.resolve("later.db");
    try (HeliosDB first = HeliosDB.open(config(file))) {
      first.execute("SELECT pg_notify('events', 'before')");
    }
    Path childOut = dir.resolve("later-received.txt");
    Process child = startChild(file, childOut, 1);
    try (BufferedReader childStdout =
            new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter childStdin =
            new PrintWriter(
                new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8), true)) {
      assertThat(childStdout.readLine()).isEqualTo("ready");
      try (HeliosDB db = HeliosDB.open(config(file))) {
        db.execute("SELECT pg_notify('events', 'after')");
        childStdin.println("go"); // the child writes nothing: zero writer rows per thread
        assertThat(childStdout.readLine()).isEqualTo("done");
      }
      assertThat(Files.readAllLines(childOut)).containsExactly("after");
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void aLongWriterElsewhereMakesNotifyWaitThenFailWith55P03AndDeliversNothingOfIt()
      throws Exception {
    Path file = dir.resolve("locked.db");
    HeliosConfig config = config(file).toBuilder().busyTimeoutMs(200).build();
    try (HeliosDB db = HeliosDB.open(config);
        Subscription sub = db.pubsub().subscribe("events");
        HeliosConnection c = db.connection();
        // Another process, as far as SQLite's locks go: a plain connection that holds the write
        // lock.
        Connection other = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      try (Statement s = other.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS t(x)");
        s.execute("BEGIN IMMEDIATE");
        s.execute("INSERT INTO t VALUES (1)");
      }
      assertThatThrownBy(() -> c.notify("events", "while locked"))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("55P03"));
      try (Statement s = other.createStatement()) {
        s.execute("COMMIT");
      }
      c.notify("events", "after");
      assertThat(receive(sub, 1)).containsExactly("after");
      assertThat(sub.poll()).as("nothing of the failed NOTIFY").isNull();
    }
  }

  @Test
  void aSessionGetsItsOwnNotificationAfterListenInTheSameTransactionWhileTheWatcherIsBusy()
      throws Exception {
    Path file = dir.resolve("own.db");
    try (HeliosDB db = HeliosDB.open(config(file));
        HeliosConnection c = db.connection();
        Statement st = c.createStatement()) {
      db.execute("CREATE TABLE noise(x)");
      // Another connection commits all the time, so the relay's watcher looks at the log all the
      // time too: it must not deliver a commit of this process before that commit's LISTEN.
      AtomicBoolean stop = new AtomicBoolean();
      Thread noise =
          new Thread(
              () -> {
                try (HeliosConnection n = db.connection();
                    Statement ns = n.createStatement()) {
                  while (!stop.get()) {
                    ns.execute("INSERT INTO noise VALUES (1)");
                  }
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      noise.start();
      try {
        for (int i = 0; i < 300; i++) {
          st.execute("BEGIN");
          st.execute("LISTEN ch" + i);
          st.execute("NOTIFY ch" + i + ", '" + i + "'");
          st.execute("COMMIT");
          assertThat(c.getNotifications(10_000))
              .as("round %d", i)
              .extracting(Notification::payload)
              .containsExactly(Integer.toString(i));
          st.execute("UNLISTEN *");
        }
      } finally {
        stop.set(true);
        noise.join();
      }
    }
  }

  private Process startChild(Path file, Path out, int expected) throws Exception {
    int perThread = expected == 1 ? 0 : PER_THREAD;
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            CrossProcessWriter.class.getName(),
            file.toString(),
            out.toString(),
            Integer.toString(expected),
            Integer.toString(perThread))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  /** Starts {@code threads} writers, each inserting {@code perThread} rows in autocommit. */
  static List<Thread> startWriters(HeliosDB db, String name, int threads, int perThread) {
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    List<Thread> started = new ArrayList<>();
    for (int w = 0; w < threads && perThread > 0; w++) {
      String writer = name + w;
      Thread t =
          new Thread(
              () -> {
                try (HeliosConnection c = db.connection();
                    PreparedStatement insert =
                        c.prepareStatement("INSERT INTO events(writer, n) VALUES (?, ?)")) {
                  for (int i = 0; i < perThread; i++) {
                    insert.setString(1, writer);
                    insert.setInt(2, i);
                    insert.executeUpdate();
                  }
                } catch (Exception e) {
                  failures.add(e);
                  e.printStackTrace();
                }
              },
              writer);
      t.start();
      started.add(t);
    }
    return started;
  }

  /**
   * Payloads in arrival order until {@code expected} arrived or none came for a minute; an overflow
   * marker is recorded as {@code "overflow"} so that a comparison shows it.
   */
  static List<String> receive(Subscription sub, int expected) throws InterruptedException {
    List<String> out = new ArrayList<>(expected);
    while (out.size() < expected) {
      Notification n = sub.poll(QUIET_LIMIT);
      if (n == null) {
        break;
      }
      out.add(n.isOverflow() ? "overflow" : n.payload());
    }
    return out;
  }
}
