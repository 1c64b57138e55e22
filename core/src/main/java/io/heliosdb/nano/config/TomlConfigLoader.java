package io.heliosdb.nano.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Reads {@code heliosdb.toml}. Every key is optional; a wrong type, an out-of-range value or an
 * unknown key fails with the file, line and key, and unknown keys get a "did you mean" suggestion.
 */
final class TomlConfigLoader {

  /** The keys of each section: the table the JDBC URL reads too (see {@link ConfigKeys}). */
  private static final Map<String, Map<String, ConfigKeys.Key>> SECTIONS = ConfigKeys.bySection();

  /**
   * Sections another module reads from the same file ({@code heliosdb serve}: [server], [http]).
   */
  private static final java.util.Set<String> READ_ELSEWHERE = java.util.Set.of("server", "http");

  private TomlConfigLoader() {}

  static HeliosConfig.Builder load(Path file) {
    return load(file, key -> {});
  }

  /**
   * As {@link #load(Path)}, telling {@code onKey} the name of each key the file sets (the JDBC URL
   * compares those with the settings of a database already open).
   */
  static HeliosConfig.Builder load(Path file, Consumer<String> onKey) {
    TomlParseResult toml = TomlFiles.parse(file);
    HeliosConfig.Builder builder = HeliosConfig.builder();
    String fileName = file.toString();
    for (String section : toml.keySet()) {
      Map<String, ConfigKeys.Key> keys = SECTIONS.get(section);
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
        ConfigKeys.Key setter = keys.get(key);
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
          setter.fromToml(builder, table, keyWhere);
          onKey.accept(key);
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

  static String string(TomlTable t, String k, String where) {
    if (!t.isString(k)) {
      throw new ConfigException(where + ": " + k + " must be a string");
    }
    return t.getString(k);
  }

  static String line(TomlPosition p) {
    return p == null ? "?" : String.valueOf(p.line());
  }

  private static String lineOfKey(TomlParseResult toml, String key) {
    for (Map.Entry<String, Map<String, ConfigKeys.Key>> s : SECTIONS.entrySet()) {
      if (s.getValue().containsKey(key) && toml.contains(s.getKey() + "." + key)) {
        return ":" + line(toml.inputPositionOf(s.getKey() + "." + key));
      }
    }
    return "";
  }

  private static String knownKeys(String section, Map<String, ConfigKeys.Key> keys) {
    return " (keys of [" + section + "]: " + String.join(", ", keys.keySet()) + ")";
  }
}
