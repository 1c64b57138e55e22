package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.config.Synchronous;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver takes heliosdb.toml's keys in its URL and its connection properties (issue 13 item 6),
 * and the settings of the first opener of a database hold for every connection to it.
 */
class JdbcUrlTest {
  @TempDir Path dir;

  private String url(String file) {
    return "jdbc:heliosdb:" + dir.resolve(file);
  }

  private static String pragma(Connection c, String name) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static SQLException failure(String url, Properties props) {
    try (Connection c = DriverManager.getConnection(url, props)) {
      throw new AssertionError("connected to " + url);
    } catch (SQLException e) {
      return e;
    }
  }

  @Test
  void theUrlsKeysReachTheDatabase() throws Exception {
    String url =
        url("shop.db")
            + "?enable_wal=false&durable_channels=orders,audit.*&busy_timeout_ms=1234"
            + "&max_channels=50&max_payload_bytes=100&retention_max_age=90s&page_size=8192";
    try (Connection c = DriverManager.getConnection(url)) {
      assertThat(pragma(c, "journal_mode")).isEqualTo("delete");
      assertThat(pragma(c, "synchronous")).as("full without WAL: EXTRA").isEqualTo("3");
      assertThat(pragma(c, "busy_timeout")).isEqualTo("1234");
      assertThat(pragma(c, "page_size")).isEqualTo("8192");
      try (Statement s = c.createStatement()) {
        assertThatThrownBy(() -> s.execute("NOTIFY orders, '" + "x".repeat(100) + "'"))
            .isInstanceOf(SQLException.class)
            .extracting(e -> ((SQLException) e).getSQLState())
            .isEqualTo("22023");
      }
      // A handle opened meanwhile has the settings of the connection that opened the file.
      try (HeliosDB db = HeliosDB.open(dir.resolve("shop.db"))) {
        HeliosConfig in = db.config();
        assertThat(in.maxChannels()).isEqualTo(50);
        assertThat(in.durableChannels().patterns()).containsExactly("orders", "audit.*");
        assertThat(in.retentionMaxAge()).isEqualTo(Duration.ofSeconds(90));
      }
    }
  }

  @Test
  void synchronousOnTheUrl() throws Exception {
    try (Connection c = DriverManager.getConnection(url("normal.db") + "?synchronous=normal");
        Connection d = DriverManager.getConnection(url("full.db") + "?synchronous=full")) {
      assertThat(pragma(c, "synchronous"))
          .isEqualTo(String.valueOf(Synchronous.NORMAL.pragmaValue()));
      assertThat(pragma(d, "synchronous"))
          .isEqualTo(String.valueOf(Synchronous.FULL.pragmaValue()));
    }
  }

  @Test
  void connectionPropertiesAndTheUrlOverThem() throws Exception {
    Properties props = new Properties();
    props.setProperty("synchronous", "normal");
    props.setProperty("busy_timeout_ms", "777");
    props.setProperty("enabled", "false");
    // What DriverManager.getConnection(url, user, password) and pools add: accepted, ignored.
    props.setProperty("user", "sa");
    props.setProperty("password", "");
    try (Connection c =
        DriverManager.getConnection(url("props.db") + "?busy_timeout_ms=55", props)) {
      assertThat(pragma(c, "synchronous")).isEqualTo("1");
      assertThat(pragma(c, "busy_timeout")).as("the URL's over the property's").isEqualTo("55");
      try (Statement s = c.createStatement()) {
        assertThatThrownBy(() -> s.execute("LISTEN orders"))
            .extracting(e -> ((SQLException) e).getSQLState())
            .as("pubsub disabled")
            .isEqualTo("55000");
      }
    }
    try (Connection c = DriverManager.getConnection(url("user.db"), "sa", "secret")) {
      assertThat(c.isValid(1)).isTrue();
    }
  }

  @Test
  void anUnknownKeyIs22023WithTheClosestKey() {
    SQLException e = failure(url("unknown.db") + "?enable_wall=false", new Properties());
    assertThat(e.getSQLState()).isEqualTo("22023");
    assertThat(e.getMessage())
        .startsWith("JDBC URL: unknown key enable_wall, did you mean enable_wal?");
    Properties props = new Properties();
    props.setProperty("max_chanels", "3");
    e = failure(url("unknown.db"), props);
    assertThat(e.getSQLState()).isEqualTo("22023");
    assertThat(e.getMessage())
        .startsWith("connection properties: unknown key max_chanels, did you mean max_channels?");
    assertThat(dir.resolve("unknown.db")).as("nothing was opened").doesNotExist();
  }

  @Test
  void aBadValueIs22023NamingTheKey() {
    SQLException e = failure(url("bad.db") + "?page_size=1000", new Properties());
    assertThat(e.getSQLState()).isEqualTo("22023");
    assertThat(e.getMessage())
        .isEqualTo(
            "JDBC URL: page_size = 1000 is out of range: must be a power of two from 512 to 65536");
    e = failure(url("bad.db") + "?synchronous=off", new Properties());
    assertThat(e.getMessage())
        .isEqualTo("JDBC URL: synchronous = \"off\" is not a mode: use \"normal\" or \"full\"");
    e = failure("jdbc:heliosdb:?max_channels=3", new Properties());
    assertThat(e.getSQLState()).isEqualTo("08001");
  }

  @Test
  void aPercentEncodedPath() throws Exception {
    try (Connection c = DriverManager.getConnection(url("my%20shop.db") + "?max_channels=5")) {
      assertThat(c.isValid(1)).isTrue();
    }
    assertThat(dir.resolve("my shop.db")).exists();
  }

  @Test
  void aConfigFileAndKeysOverIt() throws Exception {
    Path toml =
        Files.writeString(
            dir.resolve("heliosdb.toml"),
            """
            [database]
            path = "app.db"
            synchronous = "normal"
            busy_timeout_ms = 2000

            [workflow.steps.payment]
            trigger_channel = "order_created"
            action = "pay"
            """);
    String url = "jdbc:heliosdb:?config=" + toml + "&busy_timeout_ms=300";
    try (Connection c = DriverManager.getConnection(url)) {
      assertThat(pragma(c, "synchronous")).as("the file's").isEqualTo("1");
      assertThat(pragma(c, "busy_timeout")).as("the URL's over the file's").isEqualTo("300");
      // The step's consumer is created as HeliosDB.open creates it: workers can claim it.
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT name FROM heliosdb_consumers")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("payment");
      }
    }
    assertThat(dir.resolve("app.db")).as("the file's path, next to the file").exists();

    Files.writeString(toml, "[pubsub]\nmax_chanels = 3\n");
    SQLException e = failure(url, new Properties());
    assertThat(e.getSQLState()).isEqualTo("F0000");
    assertThat(e.getMessage()).startsWith(toml + ":2: unknown key pubsub.max_chanels");
  }

  @Test
  void getPropertyInfoListsEveryKey() throws Exception {
    String url = url("info.db") + "?max_channels=7";
    Driver driver = DriverManager.getDriver(url);
    Properties props = new Properties();
    props.setProperty("synchronous", "normal");
    Map<String, DriverPropertyInfo> info =
        Arrays.stream(driver.getPropertyInfo(url, props))
            .collect(Collectors.toMap(p -> p.name, Function.identity()));
    assertThat(info)
        .containsKeys(
            "memory_limit_mb",
            "enable_wal",
            "synchronous",
            "page_size",
            "busy_timeout_ms",
            "enabled",
            "max_channels",
            "max_payload_bytes",
            "notification_queue_size",
            "notification_queue_bytes",
            "notification_queue_total_bytes",
            "durable_channels",
            "retention_max_count",
            "retention_max_age",
            "cross_process",
            "metrics_enabled",
            "verbose_logging",
            "log_payloads",
            "device_id",
            "location",
            "nats_url",
            "channels",
            "subject_prefix",
            "stream",
            "credentials_file",
            "nats_user",
            "nats_password",
            "token",
            "tls",
            "tls_keystore",
            "tls_keystore_password",
            "tls_truststore",
            "tls_truststore_password",
            "outgoing_queue_size",
            "config")
        .hasSize(35);
    assertThat(info.get("nats_password").value).isEmpty(); // a secret is not shown
    assertThat(info.get("subject_prefix").value).isEqualTo("heliosdb");
    assertThat(info.get("max_channels").value).isEqualTo("7");
    assertThat(info.get("synchronous").value).isEqualTo("normal");
    assertThat(info.get("synchronous").choices).containsExactly("normal", "full");
    assertThat(info.get("cross_process").value).isEqualTo("false");
    assertThat(info.get("cross_process").choices).containsExactly("true", "false");
    assertThat(info.get("page_size").value).isEqualTo("4096");
    assertThat(info.get("page_size").description).contains("power of two");
    assertThat(info.values()).allSatisfy(p -> assertThat(p.required).isFalse());
    assertThat(driver.getPropertyInfo("jdbc:postgresql://x/y", props)).isEmpty();
  }

  @Test
  void aSecondConnectionAskingForOtherLimitsFails() throws Exception {
    String first = url("shared.db") + "?max_channels=10&synchronous=normal";
    try (Connection c = DriverManager.getConnection(first)) {
      // The same values, or none: the first opener's settings.
      try (Connection same = DriverManager.getConnection(first);
          Connection none = DriverManager.getConnection(url("shared.db"))) {
        assertThat(pragma(none, "synchronous")).isEqualTo("1");
      }
      SQLException e = failure(url("shared.db") + "?max_channels=20", new Properties());
      assertThat(e.getSQLState()).isEqualTo("55000");
      assertThat(e.getMessage())
          .startsWith("max_channels = 20 (JDBC URL) differs from 10, with which ")
          .contains("shared.db is already open in this JVM");
      e = failure(url("shared.db") + "?synchronous=full", new Properties());
      assertThat(e.getMessage()).startsWith("synchronous = full (JDBC URL) differs from normal");
      // durable_channels differing is the hub's error, also 55000.
      e = failure(url("shared.db") + "?durable_channels=orders", new Properties());
      assertThat(e.getSQLState()).isEqualTo("55000");
      assertThat(e.getMessage()).startsWith("durable_channels = [orders] differs from []");
      e = failure(url("shared.db") + "?cross_process=true", new Properties());
      assertThat(e.getSQLState()).isEqualTo("55000");
      assertThat(e.getMessage())
          .startsWith("cross_process = true, but this database is already open");
      assertThat(c.isValid(1)).as("the first connection is not disturbed").isTrue();
    }
    // Closed, the database takes the next opener's settings.
    try (Connection c = DriverManager.getConnection(url("shared.db") + "?max_channels=20")) {
      assertThat(c.isValid(1)).isTrue();
    }
  }

  @Test
  void aUrlAskingForOtherSettingsThanAnOpenHeliosDbFails() throws Exception {
    try (HeliosDB db = HeliosDB.open(dir.resolve("api.db"))) {
      SQLException e = failure(url("api.db") + "?synchronous=normal", new Properties());
      assertThat(e.getSQLState()).isEqualTo("55000");
      assertThat(e.getMessage()).startsWith("synchronous = normal (JDBC URL) differs from full");
      try (Connection c = DriverManager.getConnection(url("api.db") + "?synchronous=full")) {
        assertThat(pragma(c, "synchronous")).isEqualTo("2");
      }
      assertThat(db.query("SELECT 1")).hasSize(1);
    }
  }
}
