package io.heliosdb.nano.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tomlj.Toml;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Reads heliosdb.toml for every section's reader (core's, and the server module's [server]): a
 * missing file, an unreadable one or a TOML syntax error fails with the file and line.
 */
public final class TomlFiles {
  private TomlFiles() {}

  public static TomlParseResult parse(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(file + ": configuration file not found");
    }
    TomlParseResult toml;
    try {
      toml = Toml.parse(file);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // tomlj 2.2.0 fails on some malformed files with a bug of its own (a NullPointerException
      // that TomlConfigFuzzTest found): still a mistake in the user's file, told as such.
      throw new ConfigException(file + ": not valid TOML (the parser failed: " + e + ")", e);
    }
    if (toml.hasErrors()) {
      TomlParseError first = toml.errors().get(0);
      throw new ConfigException(file + ":" + first.position().line() + ": " + first.getMessage());
    }
    return toml;
  }

  /** {@code t.key} as a string; {@code where} names it in the error (file, line and key). */
  public static String string(TomlTable t, String key, String where) {
    if (!t.isString(List.of(key))) {
      throw new ConfigException(where + " must be a string");
    }
    return t.getString(List.of(key));
  }

  /** {@code t.key} as a boolean. */
  public static boolean bool(TomlTable t, String key, String where) {
    if (!t.isBoolean(List.of(key))) {
      throw new ConfigException(where + " must be true or false");
    }
    return t.getBoolean(List.of(key));
  }

  /** {@code t.key} as an int. */
  public static int integer(TomlTable t, String key, String where) {
    if (!t.isLong(List.of(key))) {
      throw new ConfigException(where + " must be an integer");
    }
    long v = t.getLong(List.of(key));
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new ConfigException(where + " = " + v + " is out of range");
    }
    return (int) v;
  }

  /** A position's line for messages, {@code ?} when unknown. */
  public static String line(TomlPosition p) {
    return p == null ? "?" : String.valueOf(p.line());
  }
}
