package io.heliosdb.nano.config;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

/**
 * The keys of {@code [database]}, {@code [pubsub]}, {@code [monitoring]}, {@code [workflow]},
 * {@code [edge]} and {@code [federation]}: one table that heliosdb.toml's reader and the JDBC URL's
 * both read. A key has a section, a name, a kind (how its value is written and checked), the
 * builder's setter, the configuration's getter, and a description (what {@code
 * Driver.getPropertyInfo} shows).
 */
final class ConfigKeys {

  /** How a key's value is written, in the file and in a URL. */
  enum Kind {
    /** A file name or ":memory:" (the file only: a URL names its database in its path). */
    PATH,
    /** A whole number that fits an int. */
    INT,
    /** A whole number that may exceed an int (bytes, counts). */
    WHOLE,
    BOOL,
    /** Strings: a TOML array, a comma-separated list in a URL. */
    LIST,
    /** "90s", "30m", "12h", "7d" (see {@link Durations}). */
    DURATION,
    /** "normal" or "full". */
    SYNCHRONOUS,
    /** The tables of [workflow.steps.NAME] (the file only). */
    STEPS,
    /** Text. */
    STRING,
    /** Text not to be shown back (a password, a token). */
    SECRET,
    /** One string or a TOML array of them; a comma-separated list in a URL. */
    STRINGS
  }

  /** One key of the table. */
  static final class Key {
    private final String section;
    private final String name;
    private final Kind kind;
    private final BiConsumer<HeliosConfig.Builder, Object> set;
    private final Function<HeliosConfig, Object> get;
    private final String description;

    private Key(
        String section,
        String name,
        Kind kind,
        BiConsumer<HeliosConfig.Builder, Object> set,
        Function<HeliosConfig, Object> get,
        String description) {
      this.section = section;
      this.name = name;
      this.kind = kind;
      this.set = set;
      this.get = get;
      this.description = description;
    }

    String section() {
      return section;
    }

    String name() {
      return name;
    }

    Kind kind() {
      return kind;
    }

    String description() {
      return description;
    }

    /** Whether a JDBC URL and connection properties may give it. */
    boolean inUrl() {
      return kind != Kind.PATH && kind != Kind.STEPS;
    }

    /** The values a tool may offer, null for any. */
    String[] choices() {
      return switch (kind) {
        case BOOL -> new String[] {"true", "false"};
        case SYNCHRONOUS ->
            Arrays.stream(Synchronous.values()).map(Synchronous::configName).toArray(String[]::new);
        default -> null;
      };
    }

    /** This key's value in {@code config}, as a URL writes it. */
    String format(HeliosConfig config) {
      Object v = get.apply(config);
      return switch (kind) {
        case LIST, STRINGS -> String.join(",", castList(v));
        case SECRET -> v == null ? "" : "********";
        case STRING -> v == null ? "" : v.toString();
        case DURATION -> Durations.format((Duration) v);
        case SYNCHRONOUS -> ((Synchronous) v).configName();
        case STEPS -> {
          List<String> names = new ArrayList<>();
          for (Object step : (List<?>) v) {
            names.add(((WorkflowStep) step).name());
          }
          yield String.join(",", names);
        }
        default -> String.valueOf(v);
      };
    }

    /** Whether {@code a} and {@code b} have the same value for this key. */
    boolean sameIn(HeliosConfig a, HeliosConfig b) {
      return Objects.equals(get.apply(a), get.apply(b));
    }

    /**
     * Reads the key from a TOML table into {@code b}; a mistake fails with {@code where} (the file
     * and line) and the key.
     */
    void fromToml(HeliosConfig.Builder b, TomlTable t, String where) {
      String k = name;
      Object value =
          switch (kind) {
            case PATH -> path(where, TomlConfigLoader.string(t, k, where));
            case INT -> {
              if (!t.isLong(k)) {
                throw new ConfigException(where + ": " + k + " must be an integer");
              }
              yield toInt(where, t.getLong(k));
            }
            case WHOLE -> {
              if (!t.isLong(k)) {
                throw new ConfigException(where + ": " + k + " must be an integer");
              }
              yield t.getLong(k);
            }
            case BOOL -> {
              if (!t.isBoolean(k)) {
                throw new ConfigException(where + ": " + k + " must be true or false");
              }
              yield t.getBoolean(k);
            }
            case LIST -> list(t, where);
            case STRINGS -> {
              if (t.isString(k)) {
                yield List.of(t.getString(k));
              }
              if (!t.isArray(k)) {
                throw new ConfigException(
                    where + ": " + k + " must be a string or an array of strings");
              }
              yield list(t, where);
            }
            case STRING, SECRET -> TomlConfigLoader.string(t, k, where);
            case DURATION ->
                TomlConfigLoader.duration(where, k, TomlConfigLoader.string(t, k, where));
            case SYNCHRONOUS -> synchronous(where, TomlConfigLoader.string(t, k, where));
            case STEPS -> {
              WorkflowSteps.read(b, t, k, where);
              yield null;
            }
          };
      if (kind != Kind.STEPS) {
        set.accept(b, value);
      }
    }

    /**
     * Reads the key from its text in a URL or a connection property into {@code b}, with the file's
     * messages; {@code where} names the source ("JDBC URL").
     */
    void fromText(HeliosConfig.Builder b, String text, String where) {
      String k = name;
      Object value =
          switch (kind) {
            case INT -> toInt(where, wholeNumber(where, text));
            case WHOLE -> wholeNumber(where, text);
            case BOOL -> {
              if (text.trim().equalsIgnoreCase("true")) {
                yield true;
              } else if (text.trim().equalsIgnoreCase("false")) {
                yield false;
              }
              throw new ConfigException(where + ": " + k + " must be true or false");
            }
            case STRING, SECRET -> text;
            case LIST, STRINGS -> {
              List<String> items = new ArrayList<>();
              if (!text.isBlank()) {
                for (String item : text.split(",", -1)) {
                  items.add(item.trim());
                }
              }
              yield items;
            }
            case DURATION -> TomlConfigLoader.duration(where, k, text);
            case SYNCHRONOUS -> synchronous(where, text);
            case PATH, STEPS ->
                throw new IllegalStateException(k + " is not read from a URL"); // see inUrl()
          };
      set.accept(b, value);
    }

    private long wholeNumber(String where, String text) {
      String t = text.trim();
      if (!t.matches("[+-]?\\d+")) {
        throw new ConfigException(where + ": " + name + " must be an integer");
      }
      BigInteger v = new BigInteger(t);
      if (v.bitLength() > 63) {
        throw new ConfigException(where + ": " + name + " = " + v + " is out of range");
      }
      return v.longValue();
    }

    private int toInt(String where, long v) {
      if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
        throw new ConfigException(where + ": " + name + " = " + v + " is out of range");
      }
      return (int) v;
    }

    private List<String> list(TomlTable t, String where) {
      String message = where + ": " + name + " must be an array of strings, e.g. [\"orders\"]";
      if (!t.isArray(name)) {
        throw new ConfigException(message);
      }
      TomlArray array = t.getArray(name);
      List<String> items = new ArrayList<>();
      for (int i = 0; i < array.size(); i++) {
        if (!(array.get(i) instanceof String s)) {
          throw new ConfigException(message);
        }
        items.add(s);
      }
      return items;
    }

    private Synchronous synchronous(String where, String text) {
      Synchronous mode = Synchronous.parse(text);
      if (mode == null) {
        throw new ConfigException(
            where + ": " + name + " = \"" + text + "\" is not a mode: use \"normal\" or \"full\"");
      }
      return mode;
    }

    /** Relative paths and ":memory:" as the file's users would expect. */
    private static Path path(String where, String value) {
      if (value.isBlank()) {
        throw new ConfigException(where + ": path must not be empty");
      }
      return value.equals(":memory:") ? null : Path.of(value);
    }
  }

  /** Every key, by section, in the order of docs/configuration.md. */
  private static final List<Key> ALL = new ArrayList<>();

  static {
    String s = "database";
    add(s, "path", Kind.PATH, (b, v) -> b.path((Path) v), HeliosConfig::path, "The database file");
    add(
        s,
        "memory_limit_mb",
        Kind.INT,
        (b, v) -> b.memoryLimitMb((Integer) v),
        HeliosConfig::memoryLimitMb,
        "Bound on SQLite's memory in MiB, per connection (page cache and largest value: a quarter"
            + " each); 4 to 1048576");
    add(
        s,
        "enable_wal",
        Kind.BOOL,
        (b, v) -> b.enableWal((Boolean) v),
        HeliosConfig::enableWal,
        "WAL journal for file databases");
    add(
        s,
        "synchronous",
        Kind.SYNCHRONOUS,
        (b, v) -> b.synchronous((Synchronous) v),
        HeliosConfig::synchronous,
        "full: every commit is synced before it returns; normal: faster commits that a power loss"
            + " may undo (needs enable_wal)");
    add(
        s,
        "page_size",
        Kind.INT,
        (b, v) -> b.pageSize((Integer) v),
        HeliosConfig::pageSize,
        "SQLite page size of a new file: a power of two from 512 to 65536");
    add(
        s,
        "busy_timeout_ms",
        Kind.INT,
        (b, v) -> b.busyTimeoutMs((Integer) v),
        HeliosConfig::busyTimeoutMs,
        "Milliseconds to wait for another connection's lock, then fail with 55P03");

    s = "pubsub";
    add(
        s,
        "enabled",
        Kind.BOOL,
        (b, v) -> b.pubsubEnabled((Boolean) v),
        HeliosConfig::pubsubEnabled,
        "LISTEN, NOTIFY and pg_notify on; false: they fail with 55000");
    add(
        s,
        "max_channels",
        Kind.INT,
        (b, v) -> b.maxChannels((Integer) v),
        HeliosConfig::maxChannels,
        "Distinct channels with listeners, database-wide; LISTEN beyond: 54000");
    add(
        s,
        "max_payload_bytes",
        Kind.INT,
        (b, v) -> b.maxPayloadBytes((Integer) v),
        HeliosConfig::maxPayloadBytes,
        "A payload must be shorter than this many UTF-8 bytes; 1 to 1048576");
    add(
        s,
        "notification_queue_size",
        Kind.INT,
        (b, v) -> b.notificationQueueSize((Integer) v),
        HeliosConfig::notificationQueueSize,
        "Notifications each subscriber's queue holds; beyond it drops are counted and reported");
    add(
        s,
        "notification_queue_bytes",
        Kind.WHOLE,
        (b, v) -> b.notificationQueueBytes((Long) v),
        HeliosConfig::notificationQueueBytes,
        "Bytes each subscriber's queue holds; at least 64 KiB and 4 x max_payload_bytes");
    add(
        s,
        "notification_queue_total_bytes",
        Kind.WHOLE,
        (b, v) -> b.notificationQueueTotalBytes((Long) v),
        HeliosConfig::notificationQueueTotalBytes,
        "Bytes all subscribers' queues hold together; 0: no bound beyond each one's");
    add(
        s,
        "durable_channels",
        Kind.LIST,
        (b, v) -> b.durableChannels(castList(v).toArray(String[]::new)),
        c -> c.durableChannels().patterns(),
        "Channels kept in the database and resumable, comma-separated names or globs:"
            + " orders,audit.*");
    add(
        s,
        "retention_max_count",
        Kind.WHOLE,
        (b, v) -> b.retentionMaxCount((Long) v),
        HeliosConfig::retentionMaxCount,
        "The durable log keeps at most this many notifications (at least 1)");
    add(
        s,
        "retention_max_age",
        Kind.DURATION,
        (b, v) -> b.retentionMaxAge((Duration) v),
        HeliosConfig::retentionMaxAge,
        "The durable log keeps none older: 90s, 30m, 12h, 7d");
    add(
        s,
        "cross_process",
        Kind.BOOL,
        (b, v) -> b.crossProcess((Boolean) v),
        HeliosConfig::crossProcess,
        "Processes sharing the file receive each other's notifications");

    s = "monitoring";
    add(
        s,
        "metrics_enabled",
        Kind.BOOL,
        (b, v) -> b.metricsEnabled((Boolean) v),
        HeliosConfig::metricsEnabled,
        "The built-in counters and latency histogram (DefaultMetrics)");
    add(
        s,
        "verbose_logging",
        Kind.BOOL,
        (b, v) -> b.verboseLogging((Boolean) v),
        HeliosConfig::verboseLogging,
        "A DEBUG line per notification sent and delivered, to io.heliosdb.nano.notifications");
    add(
        s,
        "log_payloads",
        Kind.BOOL,
        (b, v) -> b.logPayloads((Boolean) v),
        HeliosConfig::logPayloads,
        "With verbose_logging: the lines show the payload too (200 characters)");

    add(
        "workflow",
        "steps",
        Kind.STEPS,
        (b, v) -> {},
        HeliosConfig::workflowSteps,
        "[workflow.steps.NAME] tables: durable consumers chained by channels");

    s = "edge";
    add(
        s,
        "device_id",
        Kind.STRING,
        (b, v) -> b.deviceId((String) v),
        HeliosConfig::deviceId,
        "This node's name: the origin of its notifications, a label of its metrics (default: the"
            + " host name)");
    add(
        s,
        "location",
        Kind.STRING,
        (b, v) -> b.location((String) v),
        HeliosConfig::location,
        "Where this node is, a label of its metrics");

    FederationKeys.add();
  }

  private ConfigKeys() {}

  static void add(
      String section,
      String name,
      Kind kind,
      BiConsumer<HeliosConfig.Builder, Object> set,
      Function<HeliosConfig, Object> get,
      String description) {
    ALL.add(new Key(section, name, kind, set, get, description));
  }

  @SuppressWarnings("unchecked")
  static List<String> castList(Object v) {
    return (List<String>) v;
  }

  /** Every key, in the order of docs/configuration.md. */
  static List<Key> all() {
    return List.copyOf(ALL);
  }

  /** The keys of each section, by name, sections in order. */
  static Map<String, Map<String, Key>> bySection() {
    Map<String, Map<String, Key>> sections = new LinkedHashMap<>();
    for (Key k : ALL) {
      sections.computeIfAbsent(k.section(), x -> new LinkedHashMap<>()).put(k.name(), k);
    }
    return sections;
  }

  /** Every key by name (the names are unique across sections), in order. */
  static Map<String, Key> byName() {
    Map<String, Key> keys = new LinkedHashMap<>();
    for (Key k : ALL) {
      if (keys.put(k.name(), k) != null) {
        throw new IllegalStateException("two sections have the key " + k.name());
      }
    }
    return keys;
  }

  /** The keys a URL may give, by name, in order. */
  static Map<String, Key> urlKeys() {
    Map<String, Key> keys = new LinkedHashMap<>(byName());
    keys.values().removeIf(k -> !k.inUrl());
    return keys;
  }
}
