package io.heliosdb.nano.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * heliosdb-VERSION.tar.gz as a user gets it: unpacked with tar, its {@code bin/heliosdb} run with
 * only a JDK on the PATH (no Maven, no repository), {@code serve} and {@code sql} with the sample
 * configuration (which must load as it is), a pgjdbc client's LISTEN/NOTIFY round trip, then {@code
 * sql} on the same database file.
 */
class DistributionIT {
  private static final Pattern WIRE =
      Pattern.compile("heliosdb: serving .+ at postgresql://127\\.0\\.0\\.1:(\\d+) ");

  /** The last of serve's start lines: both ports are listening when it is out. */
  private static final String STARTED = "heliosdb: memory budget";

  @TempDir Path dir;

  @Test
  void theUnpackedArchiveServesAndRunsTheSqlShellWithOnlyAJdk() throws Exception {
    Path home = unpack();
    assertThat(home.resolve("bin/heliosdb")).isExecutable();
    assertThat(home.resolve("conf/heliosdb.toml")).isRegularFile();
    assertThat(home.resolve("QUICKSTART.md")).isRegularFile();
    assertThat(home.resolve("docs/cli.md")).isRegularFile();
    assertThat(home.resolve("lib/heliosdb-nano-core-" + version() + ".jar")).isRegularFile();
    Path work = Files.createDirectory(dir.resolve("work"));

    Path log = dir.resolve("serve.log");
    Process serve =
        heliosdb(
                home,
                work,
                "serve",
                "--config",
                home + "/conf/heliosdb.toml",
                "--db",
                "shop.db",
                "--port",
                "0",
                "--http-port",
                "0")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> !serve.isAlive() || read(log).contains(STARTED));
      assertThat(serve.isAlive()).as("serve is running: %s", read(log)).isTrue();
      assertThat(serve.info().arguments())
          .as("the launcher's JVM options of the memory budget, in the JVM it became")
          .hasValueSatisfying(args -> assertThat(args).anyMatch(a -> a.startsWith("-Xmx")));
      Matcher wire = WIRE.matcher(read(log));
      assertThat(wire.find()).as(read(log)).isTrue();
      String url = "jdbc:postgresql://127.0.0.1:" + wire.group(1) + "/shop";

      try (Connection c = DriverManager.getConnection(url, "me", "");
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE orders(id INTEGER PRIMARY KEY, amount REAL)");
        s.execute("LISTEN orders");
        s.execute("INSERT INTO orders(amount) VALUES (9.99); NOTIFY orders, '{\"id\":1}'");
        PGNotification[] received = c.unwrap(PGConnection.class).getNotifications(30_000);
        assertThat(received)
            .extracting(PGNotification::getName, PGNotification::getParameter)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("orders", "{\"id\":1}"));
      }

      Path sqlLog = dir.resolve("sql.log");
      Process sql =
          heliosdb(
                  home,
                  work,
                  "sql",
                  "--config",
                  home + "/conf/heliosdb.toml",
                  "--db",
                  "shop.db",
                  "-c",
                  "SELECT id, amount FROM orders")
              .redirectErrorStream(true)
              .redirectOutput(sqlLog.toFile())
              .start();
      boolean exited = sql.waitFor(60, TimeUnit.SECONDS);
      sql.destroyForcibly();
      String out = read(sqlLog);
      assertThat(exited).as(out).isTrue();
      assertThat(sql.exitValue()).as(out).isZero();
      assertThat(out).contains("9.99").contains("(1 row)");
    } finally {
      serve.destroy(); // SIGTERM: a graceful stop
      if (!serve.waitFor(60, TimeUnit.SECONDS)) {
        serve.destroyForcibly().waitFor();
      }
    }
    assertThat(serve.exitValue()).as(read(log)).isEqualTo(143);
    assertThat(read(log)).endsWith("heliosdb: stopped\n");
  }

  private Path unpack() throws IOException, InterruptedException {
    Path archive = Path.of(System.getProperty("heliosdb.archive"));
    Process tar =
        new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", dir.toString())
            .inheritIO()
            .start();
    assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tar.exitValue()).as("tar's status").isZero();
    return dir.resolve("heliosdb-" + version());
  }

  /**
   * {@code bin/heliosdb args...} in {@code work}, with an environment of a PATH alone: this JDK's
   * bin and the system's directories, no JAVA_HOME, nothing of this build.
   */
  private static ProcessBuilder heliosdb(Path home, Path work, String... args) {
    List<String> command = new ArrayList<>(List.of(home.resolve("bin/heliosdb").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
    Map<String, String> env = builder.environment();
    env.clear();
    Path jdk = Path.of(System.getProperty("java.home"), "bin");
    env.put("PATH", jdk + File.pathSeparator + "/usr/bin" + File.pathSeparator + "/bin");
    return builder;
  }

  private static String version() {
    return System.getProperty("heliosdb.version");
  }

  private static String read(Path log) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
