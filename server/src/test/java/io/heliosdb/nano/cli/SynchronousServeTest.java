package io.heliosdb.nano.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.config.HeliosConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code heliosdb serve} with {@code [database] synchronous}: the start line states the mode, every
 * wire session has it in force ({@code PRAGMA synchronous} over pgjdbc: 1 NORMAL, 2 FULL), and a
 * client backs the live database up with {@code VACUUM INTO}.
 */
class SynchronousServeTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @ParameterizedTest
  @ValueSource(strings = {"normal", "full"})
  void everyWireSessionHasTheModeTheStartLineStates(String mode) throws Exception {
    Path config = dir.resolve("heliosdb.toml");
    Files.writeString(
        config,
        "[database]\npath = \"s.db\"\nsynchronous = \"" + mode + "\"\n[server]\nport = 0\n");
    CompletableFuture<Void> stop = new CompletableFuture<>();
    CompletableFuture<Integer> status = serve(stop, "--config", config.toString());
    Pattern start =
        Pattern.compile(
            "heliosdb: serving (.+) \\(synchronous = "
                + mode
                + "\\) at postgresql://127\\.0\\.0\\.1:(\\d+) ");
    await().atMost(Duration.ofSeconds(30)).until(() -> start.matcher(text(out)).find());
    Matcher m = start.matcher(text(out));
    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).isEqualTo(dir.resolve("s.db").toString());
    String url = "jdbc:postgresql://127.0.0.1:" + m.group(2) + "/x";
    int expected = mode.equals("normal") ? 1 : 2;
    Path backup = dir.resolve("backup.db");
    try (Connection a = DriverManager.getConnection(url, "a", "");
        Connection b = DriverManager.getConnection(url, "b", "");
        Statement s = a.createStatement()) {
      assertThat(synchronous(a)).isEqualTo(expected);
      assertThat(synchronous(b)).isEqualTo(expected);
      s.execute("CREATE TABLE kept(x INTEGER)");
      s.execute("INSERT INTO kept VALUES (1), (2), (3)");
      // A backup of the live database from any PostgreSQL client.
      s.execute("VACUUM INTO '" + backup + "'");
      s.execute("INSERT INTO kept VALUES (4)");
      assertThat(synchronous(a)).isEqualTo(expected);
    }
    stop.complete(null);
    assertThat(status.get(30, TimeUnit.SECONDS)).isZero();
    try (HeliosDB copy = HeliosDB.open(HeliosConfig.builder().path(backup).build())) {
      assertThat(copy.query("SELECT count(*) AS n FROM kept").get(0).get("n")).isEqualTo(3);
    }
  }

  @Test
  void withoutWalTheStartLineSaysRollbackJournal() throws Exception {
    Path config = dir.resolve("heliosdb.toml");
    Files.writeString(
        config, "[database]\npath = \"j.db\"\nenable_wal = false\n[server]\nport = 0\n");
    CompletableFuture<Void> stop = new CompletableFuture<>();
    CompletableFuture<Integer> status = serve(stop, "--config", config.toString());
    Pattern start =
        Pattern.compile(
            "heliosdb: serving .+ \\(synchronous = full, rollback journal\\) at postgresql://"
                + "127\\.0\\.0\\.1:(\\d+) ");
    await().atMost(Duration.ofSeconds(30)).until(() -> start.matcher(text(out)).find());
    Matcher m = start.matcher(text(out));
    assertThat(m.find()).isTrue();
    try (Connection c =
        DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + m.group(1) + "/x", "a", "")) {
      assertThat(synchronous(c)).as("EXTRA: full with a rollback journal").isEqualTo(3);
    }
    stop.complete(null);
    assertThat(status.get(30, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void normalWithoutWalIsRefusedAtStart() throws Exception {
    Path config = dir.resolve("heliosdb.toml");
    Files.writeString(
        config, "[database]\npath = \"r.db\"\nenable_wal = false\nsynchronous = \"normal\"\n");
    CompletableFuture<Integer> status =
        serve(new CompletableFuture<>(), "--config", config.toString());
    assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(2);
    assertThat(text(err))
        .startsWith("heliosdb: " + config + ":4: synchronous = \"normal\" needs enable_wal = true");
  }

  private static int synchronous(Connection c) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
      assertThat(rs.next()).isTrue();
      return rs.getInt(1);
    }
  }

  private CompletableFuture<Integer> serve(CompletableFuture<Void> stop, String... args) {
    java.util.List<String> list = new java.util.ArrayList<>(java.util.List.of(args));
    list.add(0, "serve");
    list.add("--http-port");
    list.add("0");
    String[] all = list.toArray(new String[0]);
    return CompletableFuture.supplyAsync(
        () ->
            Main.run(
                new ByteArrayInputStream(new byte[0]),
                false,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                stop,
                all));
  }

  private static String text(ByteArrayOutputStream s) {
    return s.toString(StandardCharsets.UTF_8);
  }
}
