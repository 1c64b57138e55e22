package io.heliosdb.nano.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Reads {@code heliosdb.toml}. Every key is optional; a wrong type, an out-of-range value or an
 * unknown key fails with the file, line and key, and unknown keys get a "did you mean" suggestion.
 */
final class TomlConfigLoader {

  /** Setter for one key: receives the builder and the parsed value. */
  private interface Key {
    void apply(HeliosConfig.Builder b, TomlTable table, String key, String where);
  }

  private static final Map<String, Map<String, Key>> SECTIONS = new LinkedHashMap<>();

  static {
    Map<String, Key> database = new LinkedHashMap<>();
    database.put("path", (b, t, k, w) -> b.path(resolve(w, string(t, k, w))));
    database.put("memory_limit_mb", integer((b, v) -> b.memoryLimitMb(v)));
    database.put("enable_wal", bool((b, v) -> b.enableWal(v)));
    database.put("synchronous", TomlConfigLoader::synchronous);
    database.put("page_size", integer((b, v) -> b.pageSize(v)));
    database.put("busy_timeout_ms", integer((b, v) -> b.busyTimeoutMs(v)));
    SECTIONS.put("database", database);

    Map<String, Key> pubsub = new LinkedHashMap<>();
    pubsub.put("enabled", bool((b, v) -> b.pubsubEnabled(v)));
    pubsub.put("max_channels", integer((b, v) -> b.maxChannels(v)));
    pubsub.put("max_payload_bytes", integer((b, v) -> b.maxPayloadBytes(v)));
    pubsub.put("notification_queue_size", integer((b, v) -> b.notificationQueueSize(v)));
    pubsub.put("notification_queue_bytes", whole((b, v) -> b.notificationQueueBytes(v)));
    pubsub.put("notification_queue_total_bytes", whole((b, v) -> b.notificationQueueTotalBytes(v)));
    pubsub.put("durable_channels", TomlConfigLoader::durableChannels);
    pubsub.put("retention_max_count", whole((b, v) -> b.retentionMaxCount(v)));
    pubsub.put(
        "retention_max_age", (b, t, k, w) -> b.retentionMaxAge(duration(w, k, string(t, k, w))));
    pubsub.put("cross_process", bool((b, v) -> b.crossProcess(v)));
    SECTIONS.put("pubsub", pubsub);

    Map<String, Key> monitoring = new LinkedHashMap<>();
    monitoring.put("metrics_enabled", bool((b, v) -> b.metricsEnabled(v)));
    monitoring.put("verbose_logging", bool((b, v) -> b.verboseLogging(v)));
    monitoring.put("log_payloads", bool((b, v) -> b.logPayloads(v)));
    SECTIONS.put("monitoring", monitoring);

    Map<String, Key> workflow = new LinkedHashMap<>();
    workflow.put("steps", WorkflowSteps::read);
    SECTIONS.put("workflow", workflow);
  }

  /**
   * Sections another module reads from the same file ({@code heliosdb serve}: [server], [http]).
   */
  private static final java.util.Set<String> READ_ELSEWHERE = java.util.Set.of("server", "http");

  private TomlConfigLoader() {}

  static HeliosConfig.Builder load(Path file) {
    TomlParseResult toml = TomlFiles.parse(file);
    HeliosConfig.Builder builder = HeliosConfig.builder();
    String fileName = file.toString();
    for (String section : toml.keySet()) {
      Map<String, Key> keys = SECTIONS.get(section);
      String where = fileName + ":" + line(toml.inputPositionOf(section));
      if (READ_ELSEWHERE.contains(section)) {
        continue;
      }
      if (keys == null) {
        java.util.Set<String> known = new java.util.LinkedHashSet<>(SECTIONS.keySet());
        known.addAll(READ_ELSEWHERE);
        throw new ConfigException(
            where + ": unknown section [" + section + "]" + DidYouMean.suggest(section, known));
      }
      if (!toml.isTable(section)) {
        throw new ConfigException(where + ": " + section + " must be a table, [" + section + "]");
      }
      TomlTable table = toml.getTable(section);
      for (String key : table.keySet()) {
        String keyWhere = fileName + ":" + line(table.inputPositionOf(key));
        Key setter = keys.get(key);
        if (setter == null) {
          throw new ConfigException(
              keyWhere
                  + ": unknown key "
                  + section
                  + "."
                  + key
                  + DidYouMean.suggest(key, keys.keySet())
                  + knownKeys(section, keys));
        }
        try {
          setter.apply(builder, table, key, keyWhere);
        } catch (ConfigException e) {
          throw e.getMessage().startsWith(fileName)
              ? e
              : new ConfigException(keyWhere + ": " + section + "." + e.getMessage());
        }
      }
    }
    // A relative path (and the default heliosdb.db) is relative to the configuration file, so a
    // server started from any directory with --config opens the same database.
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      builder.resolvePathAgainst(dir);
    }
    try {
      builder.build();
    } catch (ConfigException e) {
      String key = e.getMessage().split(" ", 2)[0];
      String line = lineOfKey(toml, key);
      throw new ConfigException(fileName + line + ": " + e.getMessage());
    }
    return builder;
  }

  private static Key integer(BiConsumer<HeliosConfig.Builder, Integer> set) {
    return (b, t, k, w) -> {
      if (!t.isLong(k)) {
        throw new ConfigException(w + ": " + k + " must be an integer");
      }
      long v = t.getLong(k);
      if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
        throw new ConfigException(w + ": " + k + " = " + v + " is out of range");
      }
      set.accept(b, (int) v);
    };
  }

  /** A whole number that may exceed an int (bytes, counts). */
  private static Key whole(BiConsumer<HeliosConfig.Builder, Long> set) {
    return (b, t, k, w) -> {
      if (!t.isLong(k)) {
        throw new ConfigException(w + ": " + k + " must be an integer");
      }
      set.accept(b, t.getLong(k));
    };
  }

  private static void durableChannels(HeliosConfig.Builder b, TomlTable t, String k, String w) {
    if (!t.isArray(k)) {
      throw new ConfigException(w + ": " + k + " must be an array of strings, e.g. [\"orders\"]");
    }
    TomlArray array = t.getArray(k);
    String[] patterns = new String[array.size()];
    for (int i = 0; i < patterns.length; i++) {
      Object v = array.get(i);
      if (!(v instanceof String s)) {
        throw new ConfigException(w + ": " + k + " must be an array of strings, e.g. [\"orders\"]");
      }
      patterns[i] = s;
    }
    b.durableChannels(patterns);
  }

  private static void synchronous(HeliosConfig.Builder b, TomlTable t, String k, String w) {
    Synchronous mode = Synchronous.parse(string(t, k, w));
    if (mode == null) {
      throw new ConfigException(
          w + ": " + k + " = \"" + t.getString(k) + "\" is not a mode: use \"normal\" or \"full\"");
    }
    b.synchronous(mode);
  }

  /** "90s", "30m", "12h", "7d" (see {@link Durations}). */
  static Duration duration(String where, String key, String text) {
    Duration d = Durations.parse(text);
    if (d == null) {
      throw new ConfigException(
          where
              + ": "
              + key
              + " = \""
              + text
              + "\" is not a duration: use e.g. \"90s\", \"30m\", \"12h\", \"7d\"");
    }
    return d;
  }

  private static Key bool(BiConsumer<HeliosConfig.Builder, Boolean> set) {
    return (b, t, k, w) -> {
      if (!t.isBoolean(k)) {
        throw new ConfigException(w + ": " + k + " must be true or false");
      }
      set.accept(b, t.getBoolean(k));
    };
  }

  static String string(TomlTable t, String k, String where) {
    if (!t.isString(k)) {
      throw new ConfigException(where + ": " + k + " must be a string");
    }
    return t.getString(k);
  }

  /** Relative paths and ":memory:" as the file's users would expect. */
  private static Path resolve(String where, String value) {
    if (value.isBlank()) {
      throw new ConfigException(where + ": path must not be empty");
    }
    if (value.equals(":memory:")) {
      return null;
    }
    return Path.of(value);
  }

  static String line(TomlPosition p) {
    return p == null ? "?" : String.valueOf(p.line());
  }

  private static String lineOfKey(TomlParseResult toml, String key) {
    for (Map.Entry<String, Map<String, Key>> s : SECTIONS.entrySet()) {
      if (s.getValue().containsKey(key) && toml.contains(s.getKey() + "." + key)) {
        return ":" + line(toml.inputPositionOf(s.getKey() + "." + key));
      }
    }
    return "";
  }

  private static String knownKeys(String section, Map<String, Key> keys) {
    return " (keys of [" + section + "]: " + String.join(", ", keys.keySet()) + ")";
  }
}
