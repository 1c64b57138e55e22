package io.heliosdb.nano.wire;

import static io.heliosdb.nano.config.TomlFiles.bool;
import static io.heliosdb.nano.config.TomlFiles.integer;
import static io.heliosdb.nano.config.TomlFiles.line;
import static io.heliosdb.nano.config.TomlFiles.string;

import io.heliosdb.nano.config.ConfigException;
import io.heliosdb.nano.config.DidYouMean;
import io.heliosdb.nano.config.TomlFiles;
import io.heliosdb.nano.wire.auth.Scram;
import io.heliosdb.nano.wire.limits.SessionLimits;
import java.nio.file.Path;
import java.util.List;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/** Reads the [server] section of heliosdb.toml into a {@link ServerConfig.Builder}. */
final class ServerConfigFile {
  private ServerConfigFile() {}

  /** The section of {@code file} (defaults when there is none); fails with file:line. */
  static ServerConfig.Builder load(Path file) {
    TomlParseResult toml = TomlFiles.parse(file);
    ServerConfig.Builder b = ServerConfig.builder();
    if (!toml.contains("server")) {
      return b;
    }
    String name = file.toString();
    if (!toml.isTable("server")) {
      throw new ConfigException(
          name + ":" + line(toml.inputPositionOf("server")) + ": server must be a table, [server]");
    }
    TomlTable t = toml.getTable("server");
    Path dir = file.toAbsolutePath().getParent();
    for (String key : t.keySet()) {
      String where = name + ":" + line(t.inputPositionOf(List.of(key))) + ": server." + key;
      switch (key) {
        case "listen" -> b.listen(string(t, key, where));
        case "port" -> b.port(integer(t, key, where));
        case "max_connections" -> b.maxConnections(integer(t, key, where));
        case "memory_limit_mb" -> b.memoryLimitMb(integer(t, key, where));
        case "io_threads" -> b.ioThreads(integer(t, key, where));
        case "auth" -> b.auth(string(t, key, where));
        case "allow_trust_on_non_loopback" -> b.allowTrustOnNonLoopback(bool(t, key, where));
        case "require_tls" -> b.requireTls(bool(t, key, where));
        case "tls_cert" -> {
          b.tlsCert(dir.resolve(string(t, key, where)));
          b.tlsCertWhere = where;
        }
        case "tls_key" -> {
          b.tlsKey(dir.resolve(string(t, key, where)));
          b.tlsKeyWhere = where;
        }
        case "users" -> users(b, t, name, where);
        default -> {
          if (!SessionLimits.KEYS.contains(key)) {
            throw unknownKey(name, t, key);
          }
          b.limits = SessionLimits.read(b.limits, t, key, where);
        }
      }
      try {
        b.check(key);
      } catch (ConfigException e) {
        throw new ConfigException(where + " = " + e.getMessage());
      }
    }
    return b;
  }

  private static ConfigException unknownKey(String name, TomlTable t, String key) {
    return new ConfigException(
        name
            + ":"
            + line(t.inputPositionOf(List.of(key)))
            + ": unknown key server."
            + key
            + DidYouMean.suggest(key, ServerConfig.KEYS)
            + " (keys of [server]: "
            + String.join(", ", ServerConfig.KEYS)
            + ")");
  }

  private static void users(ServerConfig.Builder b, TomlTable t, String file, String where) {
    if (!t.isTable(List.of("users"))) {
      throw new ConfigException(
          where + " must be a table, [server.users], of name = \"SCRAM-SHA-256$...\"");
    }
    TomlTable users = t.getTable(List.of("users"));
    for (String user : users.keySet()) {
      String at =
          file + ":" + line(users.inputPositionOf(List.of(user))) + ": server.users." + user;
      if (!users.isString(List.of(user))) {
        throw new ConfigException(at + " must be a string, \"SCRAM-SHA-256$...\"");
      }
      try {
        b.user(user, Scram.Verifier.parse(users.getString(List.of(user))));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(at + ": " + e.getMessage());
      }
    }
  }
}
