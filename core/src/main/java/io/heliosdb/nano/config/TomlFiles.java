package io.heliosdb.nano.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tomlj.Toml;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;

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
    }
    if (toml.hasErrors()) {
      TomlParseError first = toml.errors().get(0);
      throw new ConfigException(file + ":" + first.position().line() + ": " + first.getMessage());
    }
    return toml;
  }
}
