package io.heliosdb.nano.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keys of a JDBC URL and of connection properties: heliosdb.toml's, read by the same table with
 * the same messages (see {@link JdbcConfig}).
 */
class JdbcConfigTest {
  @TempDir Path dir;

  private static HeliosConfig read(String url) {
    return JdbcConfig.read(url, new Properties()).config();
  }

  private static HeliosConfig read(String url, Properties props) {
    return JdbcConfig.read(url, props).config();
  }

  private static Properties props(String... keyValues) {
    Properties p = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      p.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return p;
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> fails(String url, Properties p) {
    return assertThatThrownBy(() -> JdbcConfig.read(url, p)).isInstanceOf(ConfigException.class);
  }

  private static String state(String url, Properties p) {
    try {
      JdbcConfig.read(url, p);
    } catch (ConfigException e) {
      return e.sqlState();
    }
    throw new AssertionError("no error for " + url);
  }

  private Path toml(String text) throws IOException {
    return Files.writeString(dir.resolve("heliosdb.toml"), text);
  }

  @Test
  void theIssuesExample() {
    HeliosConfig c =
        read(
            "jdbc:heliosdb:shop.db?enable_wal=true&durable_channels=orders,audit.*"
                + "&cross_process=true&synchronous=normal");
    assertThat(c.path()).isEqualTo(Path.of("shop.db"));
    assertThat(c.enableWal()).isTrue();
    assertThat(c.durableChannels().patterns()).containsExactly("orders", "audit.*");
    assertThat(c.crossProcess()).isTrue();
    assertThat(c.synchronous()).isEqualTo(Synchronous.NORMAL);
    assertThat(c.durableChannels().matches("audit.login")).isTrue();
  }

  @Test
  void noKeysGiveTheDefaults() {
    HeliosConfig c = read("jdbc:heliosdb:shop.db");
    HeliosConfig defaults = HeliosConfig.builder().path(Path.of("shop.db")).build();
    assertThat(c.toString()).isEqualTo(defaults.toString());
    assertThat(read("jdbc:heliosdb::memory:").inMemory()).isTrue();
    // A trailing ? or & is nothing.
    assertThat(read("jdbc:heliosdb:shop.db?&").toString()).isEqualTo(defaults.toString());
  }

  @Test
  void intKeys() {
    HeliosConfig c =
        read(
            "jdbc:heliosdb:x.db?memory_limit_mb=64&page_size=8192&busy_timeout_ms=250"
                + "&max_channels=500&max_payload_bytes=4000&notification_queue_size=1000");
    assertThat(c.memoryLimitMb()).isEqualTo(64);
    assertThat(c.pageSize()).isEqualTo(8192);
    assertThat(c.busyTimeoutMs()).isEqualTo(250);
    assertThat(c.maxChannels()).isEqualTo(500);
    assertThat(c.maxPayloadBytes()).isEqualTo(4000);
    assertThat(c.notificationQueueSize()).isEqualTo(1000);
  }

  @Test
  void longKeysTakeMoreThanAnInt() {
    HeliosConfig c =
        read(
            "jdbc:heliosdb:x.db?notification_queue_bytes=3000000000"
                + "&notification_queue_total_bytes=6000000000&retention_max_count=5000000000");
    assertThat(c.notificationQueueBytes()).isEqualTo(3_000_000_000L);
    assertThat(c.notificationQueueTotalBytes()).isEqualTo(6_000_000_000L);
    assertThat(c.retentionMaxCount()).isEqualTo(5_000_000_000L);
  }

  @Test
  void boolKeysInAnyCase() {
    HeliosConfig c =
        read(
            "jdbc:heliosdb:x.db?enable_wal=FALSE&enabled=false&metrics_enabled=True"
                + "&verbose_logging=true&log_payloads=true&cross_process=false");
    assertThat(c.enableWal()).isFalse();
    assertThat(c.pubsubEnabled()).isFalse();
    assertThat(c.metricsEnabled()).isTrue();
    assertThat(c.verboseLogging()).isTrue();
    assertThat(c.logPayloads()).isTrue();
    assertThat(c.crossProcess()).isFalse();
  }

  @Test
  void listKeysAreCommaSeparated() {
    assertThat(read("jdbc:heliosdb:x.db?durable_channels=orders").durableChannels().patterns())
        .containsExactly("orders");
    // Spaces around the items, as a properties file may have them, are not part of the names.
    assertThat(
            read("jdbc:heliosdb:x.db", props("durable_channels", "orders, audit.*"))
                .durableChannels())
        .hasToString("[orders, audit.*]");
    assertThat(read("jdbc:heliosdb:x.db?durable_channels=").durableChannels().isEmpty()).isTrue();
    fails("jdbc:heliosdb:x.db?durable_channels=orders,,audit", new Properties())
        .hasMessage("JDBC URL: durable_channels: a channel pattern must not be empty");
  }

  @Test
  void durationKeysAsInTheFile() {
    assertThat(read("jdbc:heliosdb:x.db?retention_max_age=90s").retentionMaxAge())
        .isEqualTo(Duration.ofSeconds(90));
    assertThat(read("jdbc:heliosdb:x.db?retention_max_age=30min").retentionMaxAge())
        .isEqualTo(Duration.ofMinutes(30));
    assertThat(read("jdbc:heliosdb:x.db?retention_max_age=7d").retentionMaxAge())
        .isEqualTo(Duration.ofDays(7));
    fails("jdbc:heliosdb:x.db?retention_max_age=soon", new Properties())
        .hasMessage(
            "JDBC URL: retention_max_age = \"soon\" is not a duration: use e.g. \"90s\", \"30m\","
                + " \"12h\", \"7d\"");
    fails("jdbc:heliosdb:x.db?retention_max_age=500ms", new Properties())
        .hasMessage("JDBC URL: retention_max_age = PT0.5S is out of range: must be at least 1s");
  }

  @Test
  void synchronousTakesItsTwoModes() {
    assertThat(read("jdbc:heliosdb:x.db?synchronous=normal").synchronous())
        .isEqualTo(Synchronous.NORMAL);
    assertThat(read("jdbc:heliosdb:x.db?synchronous=FULL").synchronous())
        .isEqualTo(Synchronous.FULL);
    fails("jdbc:heliosdb:x.db?synchronous=off", new Properties())
        .hasMessage("JDBC URL: synchronous = \"off\" is not a mode: use \"normal\" or \"full\"");
    // Checked with the other keys, as in the file.
    fails("jdbc:heliosdb:x.db?synchronous=normal&enable_wal=false", new Properties())
        .hasMessageStartingWith("JDBC URL: synchronous = \"normal\" needs enable_wal = true");
  }

  @Test
  void badValuesNameTheKeyWithTheFilesMessages() {
    Properties none = new Properties();
    fails("jdbc:heliosdb:x.db?enable_wal=yes", none)
        .hasMessage("JDBC URL: enable_wal must be true or false");
    fails("jdbc:heliosdb:x.db?memory_limit_mb=lots", none)
        .hasMessage("JDBC URL: memory_limit_mb must be an integer");
    fails("jdbc:heliosdb:x.db?memory_limit_mb=99999999999", none)
        .hasMessage("JDBC URL: memory_limit_mb = 99999999999 is out of range");
    fails("jdbc:heliosdb:x.db?retention_max_count=99999999999999999999", none)
        .hasMessage("JDBC URL: retention_max_count = 99999999999999999999 is out of range");
    fails("jdbc:heliosdb:x.db?page_size=1000", none)
        .hasMessage(
            "JDBC URL: page_size = 1000 is out of range: must be a power of two from 512 to 65536");
    fails("jdbc:heliosdb:x.db?memory_limit_mb=2", none)
        .hasMessage("JDBC URL: memory_limit_mb = 2 is out of range: must be from 4 to 1048576");
    fails("jdbc:heliosdb:x.db", props("max_channels", "0"))
        .hasMessage("connection properties: max_channels = 0 is out of range: must be at least 1");
    fails("jdbc:heliosdb::memory:?cross_process=true", none)
        .hasMessageStartingWith("JDBC URL: cross_process = true needs a database file");
    assertThat(state("jdbc:heliosdb:x.db?page_size=1000", none)).isEqualTo("22023");
    assertThat(state("jdbc:heliosdb:x.db?enable_wal=yes", none)).isEqualTo("22023");
  }

  @Test
  void theSameValueInTheFileFailsWithTheSameMessageAfterItsLine() throws IOException {
    Path f = toml("[database]\npage_size = 1000\n");
    assertThatThrownBy(() -> HeliosConfig.load(f))
        .hasMessage(
            f + ":2: page_size = 1000 is out of range: must be a power of two from 512 to 65536");
    Path g = toml("[database]\nenable_wal = \"yes\"\n");
    assertThatThrownBy(() -> HeliosConfig.load(g))
        .hasMessage(g + ":2: enable_wal must be true or false");
  }

  @Test
  void unknownKeysFailWithTheClosestOne() {
    Properties none = new Properties();
    fails("jdbc:heliosdb:x.db?enable_wall=false", none)
        .hasMessageStartingWith("JDBC URL: unknown key enable_wall, did you mean enable_wal?")
        .hasMessageContaining("(keys: memory_limit_mb, enable_wal, synchronous,");
    fails("jdbc:heliosdb:x.db?max_chanels=3", none)
        .hasMessageStartingWith("JDBC URL: unknown key max_chanels, did you mean max_channels?");
    // With the file's section: the key without it.
    fails("jdbc:heliosdb:x.db?pubsub.max_channels=3", none)
        .hasMessageStartingWith(
            "JDBC URL: unknown key pubsub.max_channels, did you mean max_channels?");
    fails("jdbc:heliosdb:x.db?Synchronous=full", none)
        .hasMessageStartingWith("JDBC URL: unknown key Synchronous, did you mean synchronous?");
    fails("jdbc:heliosdb:x.db?confg=a.toml", none)
        .hasMessageStartingWith("JDBC URL: unknown key confg, did you mean config?");
    fails("jdbc:heliosdb:x.db?sslmode=require", none)
        .hasMessageStartingWith("JDBC URL: unknown key sslmode (keys: ");
    fails("jdbc:heliosdb:x.db", props("enable_wall", "false"))
        .hasMessageStartingWith(
            "connection properties: unknown key enable_wall, did you mean enable_wal?");
    assertThat(state("jdbc:heliosdb:x.db?enable_wall=false", none)).isEqualTo("22023");
  }

  @Test
  void pathAndWorkflowStepsAreNotKeys() {
    fails("jdbc:heliosdb:x.db?path=y.db", new Properties())
        .hasMessageStartingWith("JDBC URL: path is not a key: the database file is the URL's path");
    fails("jdbc:heliosdb:x.db?steps=a", new Properties())
        .hasMessageContaining("[workflow] steps cannot be given as keys")
        .hasMessageContaining("config=heliosdb.toml");
    fails("jdbc:heliosdb:x.db", props("workflow.steps.pay.action", "pay"))
        .hasMessageContaining("[workflow] steps cannot be given as keys");
  }

  @Test
  void userAndPasswordAreIgnored() {
    // DriverManager.getConnection(url, user, password) and pools pass them.
    HeliosConfig c = read("jdbc:heliosdb:x.db?user=ann", props("user", "sa", "password", "pw"));
    assertThat(c.path()).isEqualTo(Path.of("x.db"));
  }

  @Test
  void aKeyGivenTwiceInTheUrlIsAMistake() {
    fails("jdbc:heliosdb:x.db?durable_channels=a&durable_channels=b", new Properties())
        .hasMessage(
            "JDBC URL: durable_channels is given twice; a list is one value, comma-separated:"
                + " durable_channels=orders,audit.*");
  }

  @Test
  void theUrlOverridesThePropertiesAsInPgjdbc() {
    Properties p = props("page_size", "8192", "max_channels", "7", "busy_timeout_ms", "nonsense");
    HeliosConfig c = read("jdbc:heliosdb:x.db?page_size=16384&busy_timeout_ms=10", p);
    assertThat(c.pageSize()).as("in both: the URL's").isEqualTo(16384);
    assertThat(c.maxChannels()).as("in the properties only").isEqualTo(7);
    // A property the URL overrides is not read: its bad value is no mistake.
    assertThat(c.busyTimeoutMs()).isEqualTo(10);
    assertThat(
            JdbcConfig.read("jdbc:heliosdb:x.db?page_size=16384&busy_timeout_ms=10", p).origins())
        .containsEntry("page_size", "JDBC URL")
        .containsEntry("max_channels", "connection properties");
  }

  @Test
  void propertiesThatAreNotStringsAreRead() {
    Properties p = new Properties();
    p.put("max_channels", 12);
    p.put("enable_wal", Boolean.FALSE);
    HeliosConfig c = read("jdbc:heliosdb:x.db", p);
    assertThat(c.maxChannels()).isEqualTo(12);
    assertThat(c.enableWal()).isFalse();
  }

  @Test
  void keysValuesAndThePathArePercentDecoded() {
    HeliosConfig c =
        read(
            "jdbc:heliosdb:my%20shop%3F.db?durable_channels=caf%C3%A9,a%26b,c+d"
                + "&retention_max_age=%39%30s&%6Dax_channels=9");
    assertThat(c.path()).isEqualTo(Path.of("my shop?.db"));
    // + is a plus sign (RFC 3986), not a space (HTML forms).
    assertThat(c.durableChannels().patterns()).containsExactly("café", "a&b", "c+d");
    assertThat(c.retentionMaxAge()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.maxChannels()).isEqualTo(9);
    // A literal % is %25.
    assertThat(read("jdbc:heliosdb:100%25.db").path()).isEqualTo(Path.of("100%.db"));
    fails("jdbc:heliosdb:x.db?durable_channels=100%", new Properties())
        .hasMessage(
            "JDBC URL: durable_channels has a malformed percent-encoding, \"100%\": write % as"
                + " %25");
    fails("jdbc:heliosdb:x%zz.db", new Properties())
        .hasMessageStartingWith("JDBC URL: the path has a malformed percent-encoding");
    fails("jdbc:heliosdb:x.db?durable_channels=%FF", new Properties())
        .hasMessageContaining("not UTF-8");
  }

  @Test
  void noPathIs08001() {
    fails("jdbc:heliosdb:", new Properties())
        .hasMessageStartingWith("no database path in jdbc:heliosdb:");
    assertThat(state("jdbc:heliosdb:?max_channels=3", new Properties())).isEqualTo("08001");
  }

  @Test
  void theConfigFileIsReadFirstAndTheKeysOverrideIt() throws IOException {
    Path f =
        toml(
            """
            [database]
            path = "data/shop.db"
            synchronous = "normal"
            page_size = 8192

            [pubsub]
            max_channels = 500
            durable_channels = ["orders"]

            [server]
            port = 5433
            """);
    // No path in the URL: the file's, relative to the file.
    HeliosConfig c =
        read("jdbc:heliosdb:?config=" + f + "&max_channels=7", props("page_size", "16384"));
    assertThat(c.path()).isEqualTo(dir.resolve("data/shop.db"));
    assertThat(c.synchronous()).as("from the file").isEqualTo(Synchronous.NORMAL);
    assertThat(c.durableChannels().patterns()).as("from the file").containsExactly("orders");
    assertThat(c.pageSize()).as("a property over the file").isEqualTo(16384);
    assertThat(c.maxChannels()).as("the URL over the file").isEqualTo(7);
    // The URL's path over the file's, relative to the working directory as without a file.
    assertThat(read("jdbc:heliosdb:other.db?config=" + f).path()).isEqualTo(Path.of("other.db"));
    // config as a property, and the URL's config over the property's.
    assertThat(read("jdbc:heliosdb:x.db", props("config", f.toString())).maxChannels())
        .isEqualTo(500);
    assertThat(read("jdbc:heliosdb:x.db?config=" + f, props("config", "missing.toml")).pageSize())
        .isEqualTo(8192);
    Map<String, String> origins =
        JdbcConfig.read("jdbc:heliosdb:x.db?config=" + f + "&max_channels=7", null).origins();
    assertThat(origins)
        .containsEntry("synchronous", f.toString())
        .containsEntry("max_channels", "JDBC URL")
        .doesNotContainKey("path");
  }

  @Test
  void theConfigFileCarriesWorkflowSteps() throws IOException {
    Path f =
        toml(
            """
            [workflow.steps.payment]
            trigger_channel = "order_created"
            action = "pay"
            next_channel = "paid"
            """);
    HeliosConfig c = read("jdbc:heliosdb:x.db?config=" + f);
    assertThat(c.workflowSteps()).extracting(WorkflowStep::name).containsExactly("payment");
    assertThat(c.durableChannels().matches("order_created")).isTrue();
  }

  @Test
  void aMistakeInTheConfigFileIsTheFilesF0000() throws IOException {
    Path f = toml("[pubsub]\nmax_chanels = 3\n");
    fails("jdbc:heliosdb:x.db?config=" + f, new Properties())
        .hasMessageStartingWith(
            f + ":2: unknown key pubsub.max_chanels, did you mean max_channels?");
    assertThat(state("jdbc:heliosdb:x.db?config=" + f, new Properties())).isEqualTo("F0000");
    fails("jdbc:heliosdb:x.db?config=" + dir.resolve("none.toml"), new Properties())
        .hasMessageEndingWith("none.toml: configuration file not found");
    fails("jdbc:heliosdb:x.db?config=", new Properties())
        .hasMessage("JDBC URL: config must name a file, e.g. config=heliosdb.toml");
  }

  @Test
  void aMistakeOfTheFileAndTheUrlTogetherNamesWhereTheKeyWasGiven() throws IOException {
    Path f = toml("[database]\nsynchronous = \"normal\"\n");
    fails("jdbc:heliosdb:x.db?enable_wal=false&config=" + f, new Properties())
        .hasMessageStartingWith(f + ": synchronous = \"normal\" needs enable_wal = true");
  }

  @Test
  void describeListsEveryKeyWithValueDescriptionAndChoices() throws IOException {
    List<JdbcConfig.KeyInfo> infos =
        JdbcConfig.describe(
            "jdbc:heliosdb:x.db?max_channels=7&synchronous=normal", props("page_size", "8192"));
    Map<String, JdbcConfig.KeyInfo> byName =
        infos.stream().collect(Collectors.toMap(JdbcConfig.KeyInfo::name, i -> i));
    Set<String> expected = new LinkedHashSet<>();
    ConfigKeys.bySection().forEach((s, keys) -> expected.addAll(keys.keySet()));
    expected.removeAll(Set.of("path", "steps"));
    expected.add("config");
    assertThat(byName.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(infos).hasSize(expected.size());
    assertThat(byName.get("max_channels").value()).isEqualTo("7");
    assertThat(byName.get("page_size").value()).isEqualTo("8192");
    assertThat(byName.get("busy_timeout_ms").value()).as("the default").isEqualTo("5000");
    assertThat(byName.get("retention_max_age").value()).isEqualTo("7d");
    assertThat(byName.get("durable_channels").value()).isEmpty();
    assertThat(byName.get("config").value()).isNull();
    assertThat(byName.get("synchronous").value()).isEqualTo("normal");
    assertThat(byName.get("synchronous").choices()).containsExactly("normal", "full");
    assertThat(byName.get("enable_wal").choices()).containsExactly("true", "false");
    assertThat(byName.get("max_channels").choices()).isNull();
    assertThat(byName.get("enabled").description()).contains("[pubsub] enabled");
    for (JdbcConfig.KeyInfo i : infos) {
      assertThat(i.description()).as(i.name()).isNotBlank();
    }

    // With a file: its values; lenient: a bad value or an unknown key is shown, not refused.
    Path f = toml("[pubsub]\nmax_channels = 500\ndurable_channels = [\"a\", \"b\"]\n");
    Map<String, String> values =
        JdbcConfig.describe("jdbc:heliosdb:x.db?config=" + f + "&page_size=1000&bogus=1", null)
            .stream()
            .collect(Collectors.toMap(JdbcConfig.KeyInfo::name, i -> String.valueOf(i.value())));
    assertThat(values)
        .containsEntry("max_channels", "500")
        .containsEntry("durable_channels", "a,b")
        .containsEntry("page_size", "1000")
        .containsEntry("config", f.toString());
  }

  @Test
  void everyKeyOfTheFileSectionsIsAUrlKey() {
    // One table: a key added to the file's sections is a URL key without more work.
    Map<String, Map<String, ConfigKeys.Key>> sections = ConfigKeys.bySection();
    assertThat(sections.keySet())
        .containsExactly("database", "pubsub", "monitoring", "workflow", "edge", "federation");
    Set<String> fileKeys = new LinkedHashSet<>();
    for (String s : List.of("database", "pubsub", "monitoring", "edge", "federation")) {
      fileKeys.addAll(sections.get(s).keySet());
    }
    fileKeys.remove("path");
    assertThat(ConfigKeys.urlKeys().keySet()).containsExactlyElementsOf(fileKeys);
  }
}
