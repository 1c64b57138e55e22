package io.heliosdb.nano.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
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
    database.put("page_size", integer((b, v) -> b.pageSize(v)));
    database.put("busy_timeout_ms", integer((b, v) -> b.busyTimeoutMs(v)));
    SECTIONS.put("database", database);

    Map<String, Key> pubsub = new LinkedHashMap<>();
    pubsub.put("enabled", bool((b, v) -> b.pubsubEnabled(v)));
    pubsub.put("max_channels", integer((b, v) -> b.maxChannels(v)));
    pubsub.put("max_payload_bytes", integer((b, v) -> b.maxPayloadBytes(v)));
    pubsub.put("notification_queue_size", integer((b, v) -> b.notificationQueueSize(v)));
    pubsub.put("durable_channels", TomlConfigLoader::durableChannels);
    pubsub.put(
        "retention_max_count",
        (b, t, k, w) -> {
          if (!t.isLong(k)) {
            throw new ConfigException(w + ": " + k + " must be an integer");
          }
          b.retentionMaxCount(t.getLong(k));
        });
    pubsub.put(
        "retention_max_age", (b, t, k, w) -> b.retentionMaxAge(duration(w, k, string(t, k, w))));
    SECTIONS.put("pubsub", pubsub);

    Map<String, Key> monitoring = new LinkedHashMap<>();
    monitoring.put("metrics_enabled", bool((b, v) -> b.metricsEnabled(v)));
    SECTIONS.put("monitoring", monitoring);
  }

  private TomlConfigLoader() {}

  static HeliosConfig.Builder load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(file + ": configuration file not found");
    }
    TomlParseResult toml;
    try {
      toml = Toml.parse(file);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
    if (toml.hasErrors()) {
      TomlParseError first = toml.errors().get(0);
      throw new ConfigException(file + ":" + first.position().line() + ": " + first.getMessage());
    }
    HeliosConfig.Builder builder = HeliosConfig.builder();
    String fileName = file.toString();
    for (String section : toml.keySet()) {
      Map<String, Key> keys = SECTIONS.get(section);
      String where = fileName + ":" + line(toml.inputPositionOf(section));
      if (keys == null) {
        throw new ConfigException(
            where + ": unknown section [" + section + "]" + suggest(section, SECTIONS.keySet()));
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
                  + suggest(key, keys.keySet())
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

  /** "90s", "30m", "12h", "7d". */
  static Duration duration(String where, String key, String text) {
    Matcher m = Pattern.compile("\\s*(\\d{1,9})\\s*([smhd])\\s*").matcher(text);
    if (!m.matches()) {
      throw new ConfigException(
          where
              + ": "
              + key
              + " = \""
              + text
              + "\" is not a duration: use e.g. \"90s\", \"30m\", \"12h\", \"7d\"");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  private static Key bool(BiConsumer<HeliosConfig.Builder, Boolean> set) {
    return (b, t, k, w) -> {
      if (!t.isBoolean(k)) {
        throw new ConfigException(w + ": " + k + " must be true or false");
      }
      set.accept(b, t.getBoolean(k));
    };
  }

  private static String string(TomlTable t, String k, String where) {
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

  private static String line(TomlPosition p) {
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

  /** ", did you mean X?" for the closest known name within a small edit distance. */
  static String suggest(String given, Iterable<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(given.toLowerCase(java.util.Locale.ROOT), k);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return best != null && bestDistance <= Math.max(2, given.length() / 3)
        ? ", did you mean " + best + "?"
        : "";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      int[] cur = new int[b.length() + 1];
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      prev = cur;
    }
    return prev[b.length()];
  }
}
