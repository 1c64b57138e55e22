package io.heliosdb.nano.http;

import static io.heliosdb.nano.config.TomlFiles.bool;
import static io.heliosdb.nano.config.TomlFiles.integer;
import static io.heliosdb.nano.config.TomlFiles.line;
import static io.heliosdb.nano.config.TomlFiles.string;

import io.heliosdb.nano.config.ConfigException;
import io.heliosdb.nano.config.DidYouMean;
import io.heliosdb.nano.config.Durations;
import io.heliosdb.nano.config.TomlFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/** Reads the [http] section of heliosdb.toml into an {@link HttpConfig.Builder}. */
final class HttpConfigFile {
  private static final List<String> TOKEN_KEYS = List.of("token_sha256", "subscribe", "publish");

  private HttpConfigFile() {}

  static HttpConfig.Builder load(Path file) {
    TomlParseResult toml = TomlFiles.parse(file);
    HttpConfig.Builder b = HttpConfig.builder();
    if (!toml.contains("http")) {
      return b;
    }
    String name = file.toString();
    if (!toml.isTable("http")) {
      throw new ConfigException(
          name + ":" + line(toml.inputPositionOf("http")) + ": http must be a table, [http]");
    }
    TomlTable t = toml.getTable("http");
    for (String key : t.keySet()) {
      String where = name + ":" + line(t.inputPositionOf(List.of(key))) + ": http." + key;
      switch (key) {
        case "enabled" -> b.enabled(bool(t, key, where));
        case "listen" -> b.listen(string(t, key, where));
        case "port" -> b.port(integer(t, key, where));
        case "max_connections" -> b.maxConnections(integer(t, key, where));
        case "allow_anonymous" -> b.allowAnonymous(bool(t, key, where));
        case "cors_allowed_origins" -> b.corsAllowedOrigins(strings(t, key, where));
        case "allowed_hosts" -> b.allowedHosts(strings(t, key, where));
        case "queue_size" -> b.queueSize(integer(t, key, where));
        case "heartbeat_interval" -> b.heartbeat(duration(t, key, where));
        case "stall_timeout" -> b.stallTimeout(duration(t, key, where));
        case "request_head_timeout" -> b.requestHeadTimeout(duration(t, key, where));
        case "request_body_timeout" -> b.requestBodyTimeout(duration(t, key, where));
        case "max_header_bytes" -> b.maxHeaderBytes(integer(t, key, where));
        case "static_dir" -> b.staticDir(besides(file, string(t, key, where)));
        case "tokens" -> tokens(b, t, name, where);
        default ->
            throw new ConfigException(
                where.substring(0, where.lastIndexOf(": http."))
                    + ": unknown key http."
                    + key
                    + DidYouMean.suggest(key, HttpConfig.KEYS)
                    + " (keys of [http]: "
                    + String.join(", ", HttpConfig.KEYS)
                    + ")");
      }
      try {
        b.check(key);
      } catch (ConfigException e) {
        throw new ConfigException(where + " = " + e.getMessage());
      }
    }
    return b;
  }

  /** A path of the file: relative ones are relative to the file's directory. */
  private static Path besides(Path file, String path) {
    Path dir = file.toAbsolutePath().getParent();
    return dir == null ? Path.of(path) : dir.resolve(path).normalize();
  }

  /** [http.tokens]: name = { token_sha256 = "...", subscribe = [...], publish = [...] }. */
  private static void tokens(HttpConfig.Builder b, TomlTable t, String file, String where) {
    if (!t.isTable(List.of("tokens"))) {
      throw new ConfigException(
          where
              + " must be a table, [http.tokens], of name = { token_sha256 = \"...\", subscribe"
              + " = [...], publish = [...] }");
    }
    TomlTable tokens = t.getTable(List.of("tokens"));
    for (String token : tokens.keySet()) {
      String at = file + ":" + line(tokens.inputPositionOf(List.of(token))) + ": http.tokens.";
      if (!tokens.isTable(List.of(token))) {
        throw new ConfigException(
            at + token + " must be a table, { token_sha256 = \"...\", subscribe = [...] }");
      }
      TomlTable entry = tokens.getTable(List.of(token));
      for (String key : entry.keySet()) {
        if (!TOKEN_KEYS.contains(key)) {
          throw new ConfigException(
              at
                  + token
                  + ": unknown key "
                  + key
                  + DidYouMean.suggest(key, TOKEN_KEYS)
                  + " (keys of a token: "
                  + String.join(", ", TOKEN_KEYS)
                  + ")");
        }
      }
      String prefix = at + token + ".";
      if (!entry.contains("token_sha256")) {
        throw new ConfigException(at + token + ": token_sha256 is missing");
      }
      String hash = string(entry, "token_sha256", prefix + "token_sha256");
      List<String> subscribe =
          entry.contains("subscribe")
              ? strings(entry, "subscribe", prefix + "subscribe")
              : List.of();
      List<String> publish =
          entry.contains("publish") ? strings(entry, "publish", prefix + "publish") : List.of();
      try {
        b.token(token, hash, subscribe, publish);
      } catch (ConfigException e) {
        throw new ConfigException(at + token + ": " + e.getMessage());
      }
    }
  }

  private static List<String> strings(TomlTable t, String key, String where) {
    if (!t.isArray(List.of(key))) {
      throw new ConfigException(where + " must be a list of strings, [\"...\", ...]");
    }
    TomlArray a = t.getArray(List.of(key));
    List<String> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      if (!(a.get(i) instanceof String s)) {
        throw new ConfigException(where + " must be a list of strings, [\"...\", ...]");
      }
      out.add(s);
    }
    return out;
  }

  private static Duration duration(TomlTable t, String key, String where) {
    if (t.isLong(List.of(key)) && t.getLong(List.of(key)) == 0) {
      return Duration.ZERO;
    }
    Duration d = t.isString(List.of(key)) ? Durations.parse(t.getString(List.of(key))) : null;
    if (d == null) {
      throw new ConfigException(
          where + " must be a duration with its unit, e.g. " + Durations.EXAMPLES + ", or 0");
    }
    return d;
  }
}
