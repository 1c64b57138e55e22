package io.heliosdb.nano.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * [monitoring] from the command line: the dashboard file of the product brief loads unchanged and
 * its settings take effect; {@code heliosdb serve} exposes /metrics unless the file turns metrics
 * off; verbose_logging shows each notification sent and delivered on standard error.
 */
class MonitoringCommandTest {
  /** The dashboard scenario's file from the product brief, unchanged. */
  private static final String DASHBOARD =
      """
      [database]
      path = "/var/lib/heliosdb/sales.db"
      memory_limit_mb = 512
      enable_wal = true

      [pubsub]
      enabled = true
      max_channels = 1000
      max_payload_bytes = 8000
      notification_queue_size = 100

      [monitoring]
      metrics_enabled = true
      verbose_logging = false
      """;

  private static final Pattern WIRE =
      Pattern.compile("heliosdb: serving .+ at postgresql://127\\.0\\.0\\.1:(\\d+) ");
  private static final Pattern HTTP =
      Pattern.compile("heliosdb: HTTP at http://127\\.0\\.0\\.1:(\\d+) ");

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();

  /** What one in-process run printed and returned. */
  record Run(int status, String out, String err) {}

  private static Run heliosdb(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            new ByteArrayInputStream(new byte[0]),
            false,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** {@code heliosdb serve} in-process on free ports, stopped by {@link #close()}. */
  private static final class Served implements AutoCloseable {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final CompletableFuture<Void> stop = new CompletableFuture<>();
    final CompletableFuture<Integer> status;
    final int port;
    final int httpPort;

    Served(String... args) {
      List<String> all = new ArrayList<>(List.of("serve", "--port", "0", "--http-port", "0"));
      all.addAll(List.of(args));
      status =
          CompletableFuture.supplyAsync(
              () ->
                  Main.run(
                      new ByteArrayInputStream(new byte[0]),
                      false,
                      new PrintStream(out, true, StandardCharsets.UTF_8),
                      new PrintStream(err, true, StandardCharsets.UTF_8),
                      stop,
                      all.toArray(new String[0])));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> status.isDone() || HTTP.matcher(text(out)).find());
      assertThat(status).as("serve runs: %s%s", text(out), text(err)).isNotDone();
      Matcher wire = WIRE.matcher(text(out));
      Matcher web = HTTP.matcher(text(out));
      assertThat(wire.find() && web.find()).isTrue();
      port = Integer.parseInt(wire.group(1));
      httpPort = Integer.parseInt(web.group(1));
    }

    Connection connect() throws SQLException {
      return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/x", "me", "");
    }

    @Override
    public void close() throws Exception {
      stop.complete(null);
      assertThat(status.get(30, TimeUnit.SECONDS)).isZero();
    }
  }

  private HttpResponse<String> get(Served s, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.httpPort + path))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private Path dashboard() throws Exception {
    return Files.writeString(dir.resolve("dashboard.toml"), DASHBOARD);
  }

  private String db() {
    return dir.resolve("sales.db").toString();
  }

  /**
   * The brief's edge-device file with a [federation] whose NATS is not there: serve starts anyway
   * and says so; /health and /metrics show the node, its link and its counters.
   */
  @Test
  void theEdgeFileWithFederationServesAndReportsIt() throws Exception {
    Path edge =
        Files.writeString(
            dir.resolve("edge.toml"),
            """
            [database]
            path = "/var/lib/iot/sensors.db"
            memory_limit_mb = 64 # Low memory for edge devices
            page_size = 512
            enable_wal = true

            [pubsub]
            enabled = true
            max_channels = 50
            max_payload_bytes = 1024 # Smaller payloads for IoT

            [edge]
            device_id = "sensor_001"
            location = "warehouse_a"

            [federation]
            nats_url = "nats://127.0.0.1:%d"
            channels = ["critical_alerts"]
            """
                .formatted(unusedPort()));
    try (Served s = new Served("--config", edge.toString(), "--db", db())) {
      assertThat(text(s.out))
          .contains("heliosdb: federation as node sensor_001 through NATS at nats://127.0.0.1:")
          .contains("sharing critical_alerts (not connected yet: retrying)");
      HttpResponse<String> health = get(s, "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body())
          .contains(
              "\"federation\":{\"node\":\"sensor_001\",\"connected\":false,"
                  + "\"pending_forward\":0}");
      String metrics = get(s, "/metrics").body();
      assertThat(metrics)
          .contains("heliosdb_node_info{location=\"warehouse_a\",node=\"sensor_001\"} 1.0")
          .contains("heliosdb_federation_forwarded_total 0.0")
          .contains("heliosdb_federation_received_total 0.0")
          .contains("heliosdb_federation_dropped_total 0.0")
          .contains("heliosdb_federation_ignored_total 0.0")
          .contains("heliosdb_federation_reconnects_total 0.0")
          .contains("heliosdb_federation_forward_lag 0.0");
    }
  }

  private static int unusedPort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void theDashboardFileLoadsWithSqlAndDb() throws Exception {
    Run r = heliosdb("sql", "--config", dashboard().toString(), "--db", db(), "-c", "select 1");
    assertThat(r.err()).isEmpty();
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains(" 1\n").contains("(1 row)");
  }

  /**
   * max_channels, notification_queue_size, max_payload_bytes and metrics_enabled, over the wire.
   */
  @Test
  void theDashboardFilesSettingsTakeEffectUnderServe() throws Exception {
    try (Served s = new Served("--config", dashboard().toString(), "--db", db());
        Connection listener = s.connect();
        Connection notifier = s.connect();
        Statement ls = listener.createStatement();
        Statement ns = notifier.createStatement()) {
      // max_channels = 1000: channels with listeners, database-wide.
      StringBuilder listens = new StringBuilder();
      for (int i = 0; i < 1000; i++) {
        listens.append("LISTEN c").append(i).append(";");
      }
      ls.execute(listens.toString());
      SQLException tooMany =
          catchThrowableOfType(() -> ns.execute("LISTEN c1000"), SQLException.class);
      assertThat(tooMany.getSQLState()).isEqualTo("54000");
      assertThat(tooMany.getMessage()).contains("max_channels = 1000");

      // max_payload_bytes = 8000: a payload must be shorter.
      try (PreparedStatement p = notifier.prepareStatement("SELECT pg_notify('c0', ?)")) {
        p.setString(1, "x".repeat(8000));
        SQLException tooLong = catchThrowableOfType(p::execute, SQLException.class);
        assertThat(tooLong.getSQLState()).isEqualTo("22023");
      }

      // notification_queue_size = 100: the listener's queue holds 100 while it is in a
      // transaction; 150 sent at once leave 50 dropped, counted in /metrics.
      ls.execute("BEGIN");
      ns.execute(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150)"
              + " SELECT count(pg_notify('c0', CAST(i AS TEXT))) FROM n");
      ls.execute("COMMIT");
      PGConnection pg = listener.unwrap(PGConnection.class);
      List<String> got = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                PGNotification[] n = pg.getNotifications(100);
                for (PGNotification one : n) {
                  got.add(one.getParameter());
                }
                return got.size() >= 100;
              });
      List<String> first100 = new ArrayList<>();
      for (int i = 1; i <= 100; i++) {
        first100.add(Integer.toString(i));
      }
      assertThat(got).isEqualTo(first100);

      // metrics_enabled = true.
      HttpResponse<String> metrics = get(s, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body())
          .contains("heliosdb_notifications_dropped_total{reason=\"queue_full\"} 50.0")
          .contains("heliosdb_channels 1000.0");
    }
  }

  @Test
  void serveExposesMetricsWithoutAMonitoringSectionAndNotWhenTheFileTurnsThemOff()
      throws Exception {
    Path plain = Files.writeString(dir.resolve("plain.toml"), "[database]\npath = \"m.db\"\n");
    try (Served s = new Served("--config", plain.toString())) {
      HttpResponse<String> r = get(s, "/metrics");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("heliosdb_notifications_sent_total 0.0");
    }
    try (Served s = new Served("--db", dir.resolve("no-config.db").toString())) {
      assertThat(get(s, "/metrics").statusCode()).isEqualTo(200);
    }
    Path off =
        Files.writeString(
            dir.resolve("off.toml"),
            "[database]\npath = \"m.db\"\n\n[monitoring]\nmetrics_enabled = false\n");
    try (Served s = new Served("--config", off.toString())) {
      HttpResponse<String> r = get(s, "/metrics");
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.body()).contains("metrics are off: set metrics_enabled = true");
      assertThat(get(s, "/health").statusCode()).isEqualTo(200);
    }
  }

  /** {@code heliosdb sql --config FILE --db X -c SQL} in a child JVM: its standard error. */
  private String stderrOfSql(String monitoring, String sql) throws Exception {
    Path config =
        Files.writeString(dir.resolve("verbose.toml"), "[monitoring]\n" + monitoring + "\n");
    Path err = dir.resolve("sql.err");
    Process p =
        ChildJvm.heliosdb("sql", "--config", config.toString(), "--db", db(), "-c", sql)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(err.toFile())
            .start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }
    String text = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(text).isZero();
    return text;
  }

  @Test
  void verboseLoggingShowsEachSendAndDeliveryOnStandardErrorWithoutThePayload() throws Exception {
    String err =
        stderrOfSql("verbose_logging = true", "LISTEN orders; NOTIFY orders, 'secret-payload'");
    assertThat(err.lines().filter(l -> l.contains(" DEBUG io.heliosdb.nano.notifications - ")))
        .hasSize(2);
    assertThat(err)
        .containsPattern(
            "DEBUG io.heliosdb.nano.notifications - notification sent channel=orders"
                + " sender_pid=\\d+ payload_bytes=14 listeners=1\n")
        .containsPattern(
            "DEBUG io.heliosdb.nano.notifications - notification delivered channel=orders"
                + " sender_pid=(\\d+) payload_bytes=14 subscriber=pid:\\1 latency_us=\\d+\n")
        .doesNotContain("secret");
  }

  @Test
  void logPayloadsAddsThePayloadToThoseLines() throws Exception {
    String err =
        stderrOfSql(
            "verbose_logging = true\nlog_payloads = true",
            "LISTEN orders; NOTIFY orders, 'secret-payload'");
    assertThat(err.lines().filter(l -> l.endsWith(" payload=\"secret-payload\""))).hasSize(2);
  }

  @Test
  void verboseLoggingFalseLogsNothing() throws Exception {
    String err =
        stderrOfSql(
            "metrics_enabled = true\nverbose_logging = false\nlog_payloads = true",
            "LISTEN orders; NOTIFY orders, 'secret-payload'");
    assertThat(err).isEmpty();
  }

  private static String text(ByteArrayOutputStream s) {
    return s.toString(StandardCharsets.UTF_8);
  }
}
