package io.heliosdb.nano.cli;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.HeliosException;
import io.heliosdb.nano.config.HeliosConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which database and configuration a command uses: {@code --db} and {@code --config}. */
final class DatabaseOptions {
  static final Path DEFAULT_CONFIG = Path.of("heliosdb.toml");

  @Option(
      names = "--db",
      paramLabel = "FILE",
      description =
          "Database file (default: [database] path of the configuration, else heliosdb.db);"
              + " :memory: for a private in-memory database.")
  String db;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Configuration file (default: ./heliosdb.toml when it exists).")
  Path config;

  /** The configuration file in use: --config, else ./heliosdb.toml when it exists, else null. */
  Path configFile() {
    if (config != null) {
      return config;
    }
    return Files.isRegularFile(DEFAULT_CONFIG) ? DEFAULT_CONFIG : null;
  }

  /** The configuration file's settings with the flags on top; fails with the file's line. */
  HeliosConfig resolve() {
    Path file = configFile();
    HeliosConfig.Builder b =
        file == null ? HeliosConfig.builder() : HeliosConfig.load(file).toBuilder();
    if (db != null) {
      if (db.equals(":memory:")) {
        b.inMemory();
      } else {
        b.path(Path.of(db));
      }
    }
    return b.build();
  }

  /**
   * Opens the database these options name. When it cannot be opened, prints one line ({@code
   * heliosdb: cannot open NAME: reason (SQLSTATE ...)}) and returns null.
   */
  HeliosDB open(PrintWriter err) {
    return open(err, resolve());
  }

  /**
   * Opens the database with {@code resolved}, these options' settings as the caller adjusted them.
   */
  HeliosDB open(PrintWriter err, HeliosConfig resolved) {
    showNotificationLog(resolved);
    try {
      return HeliosDB.open(resolved);
    } catch (HeliosException e) {
      String name = resolved.inMemory() ? ":memory:" : resolved.path().toString();
      err.println("heliosdb: cannot open " + name + ": " + Main.oneLine(e));
      return null;
    }
  }

  /**
   * [monitoring] verbose_logging writes at DEBUG, and the command line's slf4j-simple shows
   * warnings only (simplelogger.properties): with the key set, its logger shows DEBUG on standard
   * error, unless the JVM options (HELIOSDB_JAVA_OPTS) chose a level for it. Before the database
   * opens: slf4j-simple fixes a logger's level when the logger is created.
   */
  static void showNotificationLog(HeliosConfig config) {
    String level = "org.slf4j.simpleLogger.log." + HeliosConfig.NOTIFICATIONS_LOGGER;
    if (config.verboseLogging() && System.getProperty(level) == null) {
      System.setProperty(level, "debug");
    }
  }
}
