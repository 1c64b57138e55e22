package io.heliosdb.nano.config;

import io.heliosdb.nano.error.SqlState;
import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The configuration a JDBC URL asks for: {@code
 * jdbc:heliosdb:shop.db?enable_wal=false&durable_channels=orders,audit.*&config=heliosdb.toml}.
 *
 * <p>The keys are those of heliosdb.toml's {@code [database]}, {@code [pubsub]} and {@code
 * [monitoring]}, without their section, read by the same table ({@link ConfigKeys}) with the same
 * messages; the database file is the URL's path. Lists are comma-separated, durations written as in
 * the file ({@code 90s}); keys and values are percent-decoded (UTF-8; {@code +} is a plus sign).
 * {@code config} names a heliosdb.toml to read first, the only way to give {@code [workflow]}
 * steps. Precedence, lowest first: the defaults, the file named by {@code config}, the connection
 * properties, the URL (pgjdbc's rule: a key in both the URL and the properties takes the URL's
 * value). {@code user} and {@code password} are accepted and ignored: an embedded database has no
 * login, and pools pass them.
 *
 * <p>An unknown key or a bad value fails with 22023 naming the key (as pgjdbc reports a bad
 * property value), a URL without a database 08001, a mistake in the file F0000 with its file and
 * line.
 */
public final class JdbcConfig {
  /** What every URL of the driver starts with. */
  public static final String PREFIX = "jdbc:heliosdb:";

  /** The key naming a heliosdb.toml to read first. */
  public static final String CONFIG = "config";

  /** Where a key came from, in messages. */
  static final String URL = "JDBC URL";

  static final String PROPERTIES = "connection properties";

  /** Accepted and ignored: DriverManager and pools pass them. */
  private static final Set<String> IGNORED = Set.of("user", "password");

  private static final Map<String, ConfigKeys.Key> KEYS = ConfigKeys.urlKeys();

  private static final Map<String, ConfigKeys.Key> ALL_KEYS = ConfigKeys.byName();

  private static final String CONFIG_DESCRIPTION =
      "A heliosdb.toml to read first (relative to the working directory); the URL's and the"
          + " properties' keys override its. The only way to give [workflow] steps. With it, the"
          + " URL's path may be empty: the file's [database] path";

  /** A key's name, value, description and choices, for {@code Driver.getPropertyInfo}. */
  public record KeyInfo(String name, String value, String description, String[] choices) {}

  private final HeliosConfig config;

  /** Each key this request gave, with where it was given: the URL, the properties, the file. */
  private final Map<String, String> origins;

  private JdbcConfig(HeliosConfig config, Map<String, String> origins) {
    this.config = config;
    this.origins = origins;
  }

  /** The validated configuration {@code url} and {@code info} ask for. */
  public HeliosConfig config() {
    return config;
  }

  /** The keys given (URL, properties, file), with where each was given. */
  public Map<String, String> origins() {
    return Map.copyOf(origins);
  }

  /**
   * Reads {@code url} (which starts with {@link #PREFIX}) and {@code info}.
   *
   * @throws ConfigException with its SQLSTATE: 22023 for an unknown key or a bad value, 08001 for a
   *     URL without a database, F0000 for a mistake in the file named by {@code config}
   */
  public static JdbcConfig read(String url, Properties info) {
    Request r = Request.parse(url, info, true);
    for (String key : r.props.keySet()) {
      checkName(key, PROPERTIES);
    }
    for (String key : r.url.keySet()) {
      checkName(key, URL);
    }
    Map<String, String> origins = new LinkedHashMap<>();
    String configFile = r.get(CONFIG);
    HeliosConfig.Builder b;
    if (configFile != null) {
      if (configFile.isBlank()) {
        throw invalid(r.origin(CONFIG) + ": config must name a file, e.g. config=heliosdb.toml");
      }
      Path file = Path.of(configFile);
      b = TomlConfigLoader.load(file, key -> origins.put(key, file.toString()));
    } else {
      b = HeliosConfig.builder();
    }
    if (!r.path.isEmpty()) {
      b.path(r.path.equals(":memory:") ? null : Path.of(r.path));
      origins.remove("path");
    } else if (configFile == null) {
      throw new ConfigException(
          "no database path in "
              + url
              + ": jdbc:heliosdb:shop.db, jdbc:heliosdb::memory:, or a file's path with"
              + " jdbc:heliosdb:?config=heliosdb.toml",
          SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION);
    }
    // The properties first, then the URL over them; a property the URL overrides is not read.
    for (Map.Entry<String, String> e : r.props.entrySet()) {
      if (!r.url.containsKey(e.getKey())) {
        apply(b, e.getKey(), e.getValue(), PROPERTIES, origins);
      }
    }
    for (Map.Entry<String, String> e : r.url.entrySet()) {
      apply(b, e.getKey(), e.getValue(), URL, origins);
    }
    try {
      return new JdbcConfig(b.build(), origins);
    } catch (ConfigException e) {
      // The message starts with the key it is about: say where that key was given.
      String key = e.getMessage().split("[ :]", 2)[0];
      throw invalid(origins.getOrDefault(key, URL) + ": " + e.getMessage());
    }
  }

  private static void apply(
      HeliosConfig.Builder b, String key, String value, String where, Map<String, String> origins) {
    ConfigKeys.Key k = KEYS.get(key);
    if (k == null) {
      return; // config, user, password
    }
    try {
      k.fromText(b, value, where);
    } catch (ConfigException e) {
      throw invalid(e.getMessage());
    }
    origins.put(key, where);
  }

  private static void checkName(String key, String where) {
    if (KEYS.containsKey(key) || key.equals(CONFIG) || IGNORED.contains(key)) {
      return;
    }
    if (key.equals("path")) {
      throw invalid(
          where
              + ": path is not a key: the database file is the URL's path, jdbc:heliosdb:shop.db"
              + " (or the [database] path of the file named by config=)");
    }
    if (key.equals("steps") || key.startsWith("workflow")) {
      throw invalid(
          where
              + ": "
              + key
              + ": [workflow] steps cannot be given as keys; write them in a heliosdb.toml and"
              + " name it with config=heliosdb.toml");
    }
    Set<String> known = new LinkedHashSet<>(KEYS.keySet());
    known.add(CONFIG);
    // pubsub.max_channels: the name without its section is the one to suggest.
    String name = key.substring(key.lastIndexOf('.') + 1);
    throw invalid(
        where
            + ": unknown key "
            + key
            + DidYouMean.suggest(name, known)
            + " (keys: "
            + String.join(", ", known)
            + ")");
  }

  /**
   * Null when every key this request gave has its value in {@code open}, the settings the database
   * is open with in this JVM (the first opener's); else why not. {@code durable_channels} is left
   * to the hub, which refuses a different list and lets none take the open one's.
   */
  public String conflictWith(HeliosConfig open) {
    for (Map.Entry<String, String> e : origins.entrySet()) {
      ConfigKeys.Key k = ALL_KEYS.get(e.getKey());
      if (k == null
          || k.kind() == ConfigKeys.Kind.PATH
          || k.name().equals("durable_channels")
          || k.sameIn(config, open)) {
        continue;
      }
      return k.name()
          + " = "
          + k.format(config)
          + " ("
          + e.getValue()
          + ") differs from "
          + k.format(open)
          + ", with which "
          + (open.inMemory() ? "this database" : open.path())
          + " is already open in this JVM: the first opener's settings hold for every connection"
          + " to it (docs/configuration.md); ask for the same value, or leave the key out";
    }
    return null;
  }

  /**
   * Every key a URL takes, with its value for {@code url} and {@code info}: the URL's, else the
   * property's, else the file's named by {@code config}, else the default. Lenient, as pgjdbc's
   * getPropertyInfo: a tool calls it while its user writes the URL, so nothing here is validated
   * (an unreadable file gives the defaults, a bad encoding stays as written).
   */
  public static List<KeyInfo> describe(String url, Properties info) {
    Request r = Request.parse(url, info, false);
    HeliosConfig base = HeliosConfig.builder().build();
    String configFile = r.get(CONFIG);
    if (configFile != null && !configFile.isBlank()) {
      try {
        base = TomlConfigLoader.load(Path.of(configFile)).build();
      } catch (RuntimeException e) {
        // shown with the defaults; connect() says what is wrong with the file
      }
    }
    List<KeyInfo> infos = new ArrayList<>();
    for (ConfigKeys.Key k : KEYS.values()) {
      String given = r.get(k.name());
      infos.add(
          new KeyInfo(
              k.name(),
              given != null ? given : k.format(base),
              k.description() + " ([" + k.section() + "] " + k.name() + ")",
              k.choices()));
    }
    infos.add(new KeyInfo(CONFIG, configFile, CONFIG_DESCRIPTION, null));
    return infos;
  }

  private static ConfigException invalid(String message) {
    return new ConfigException(message, SqlState.INVALID_PARAMETER_VALUE);
  }

  /** The URL's path and keys and the properties, decoded. */
  private static final class Request {
    final String path;
    final Map<String, String> url = new LinkedHashMap<>();
    final Map<String, String> props = new LinkedHashMap<>();

    private Request(String path) {
      this.path = path;
    }

    /** The value given for {@code key}: the URL's, else the property's; null when neither. */
    String get(String key) {
      return url.containsKey(key) ? url.get(key) : props.get(key);
    }

    String origin(String key) {
      return url.containsKey(key) ? URL : PROPERTIES;
    }

    static Request parse(String url, Properties info, boolean strict) {
      String spec = url.startsWith(PREFIX) ? url.substring(PREFIX.length()) : url;
      int q = spec.indexOf('?');
      Request r = new Request(decode(q < 0 ? spec : spec.substring(0, q), "the path", strict));
      if (q >= 0) {
        for (String pair : spec.substring(q + 1).split("&")) {
          if (pair.isEmpty()) {
            continue;
          }
          int eq = pair.indexOf('=');
          String key = decode(eq < 0 ? pair : pair.substring(0, eq), "a key", strict);
          String value = eq < 0 ? "" : decode(pair.substring(eq + 1), key, strict);
          if (r.url.put(key, value) != null && strict) {
            throw invalid(
                URL
                    + ": "
                    + key
                    + " is given twice"
                    + (key.equals("durable_channels")
                        ? "; a list is one value, comma-separated: durable_channels=orders,audit.*"
                        : ""));
          }
        }
      }
      if (info != null) {
        for (String name : info.stringPropertyNames()) {
          r.props.put(name, info.getProperty(name));
        }
        // Pools may put values that are not strings (an Integer from a Map of settings).
        for (Map.Entry<Object, Object> e : info.entrySet()) {
          if (e.getKey() instanceof String k && e.getValue() != null) {
            r.props.putIfAbsent(k, String.valueOf(e.getValue()));
          }
        }
      }
      return r;
    }
  }

  /**
   * {@code text} with its {@code %XX} escapes decoded as UTF-8; {@code +} stays a plus sign (RFC
   * 3986, not HTML forms). Not strict, a malformed escape is kept as written.
   */
  static String decode(String text, String what, boolean strict) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < utf8.length; i++) {
      byte c = utf8[i];
      if (c == '%') {
        int hi = i + 2 < utf8.length ? Character.digit(utf8[i + 1], 16) : -1;
        int lo = hi >= 0 ? Character.digit(utf8[i + 2], 16) : -1;
        if (hi < 0 || lo < 0) {
          if (strict) {
            throw invalid(
                URL
                    + ": "
                    + what
                    + " has a malformed percent-encoding, \""
                    + text
                    + "\": write % as %25");
          }
          return text;
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else {
        bytes.write(c);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      if (strict) {
        throw invalid(URL + ": " + what + " decodes to bytes that are not UTF-8, \"" + text + "\"");
      }
      return text;
    }
  }
}
