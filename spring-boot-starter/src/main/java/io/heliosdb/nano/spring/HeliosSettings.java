package io.heliosdb.nano.spring;

import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.config.JdbcConfig;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * The database's settings from Spring's environment: the file from {@code spring.datasource.url}
 * and every key of heliosdb.toml's {@code [database]}, {@code [pubsub]} and {@code [monitoring]} as
 * {@code heliosdb.<key>} (relaxed: {@code heliosdb.durable-channels} or {@code
 * heliosdb.durable_channels}, a list or a comma-separated string), plus {@code heliosdb.config}
 * naming a heliosdb.toml to read first. The keys and their checks are the JDBC driver's, so the
 * messages for a wrong key or value are the same.
 */
final class HeliosSettings {
  static final String PREFIX = "heliosdb";

  /** The starter's own keys under the prefix, not the database's. */
  private static final Set<String> OWN = Set.of("listener");

  private HeliosSettings() {}

  /** The {@code heliosdb.*} keys given, named as in a URL, for {@link JdbcConfig#read}. */
  static Properties properties(String url, Environment env) {
    Binder binder = Binder.get(env);
    Properties props = new Properties();
    Set<String> known = new HashSet<>(OWN);
    for (JdbcConfig.KeyInfo key : JdbcConfig.describe(url, new Properties())) {
      known.add(key.name());
      String name = PREFIX + "." + key.name().replace('_', '-');
      binder
          .bind(name, Bindable.listOf(String.class))
          .ifBound(values -> props.setProperty(key.name(), String.join(",", values)));
    }
    // A misspelt key goes to the driver too, which refuses it naming the keys it knows.
    for (String key : givenKeys(env)) {
      if (!known.contains(key)) {
        props.setProperty(key, "");
      }
    }
    return props;
  }

  /** The first segment of each {@code heliosdb.*} property, in snake_case. */
  private static Set<String> givenKeys(Environment env) {
    Set<String> keys = new HashSet<>();
    if (env instanceof ConfigurableEnvironment c) {
      for (PropertySource<?> source : c.getPropertySources()) {
        if (source instanceof EnumerablePropertySource<?> e) {
          for (String name : e.getPropertyNames()) {
            if (name.startsWith(PREFIX + ".")) {
              String key = name.substring(PREFIX.length() + 1).split("[.\\[]", 2)[0];
              keys.add(key.replace('-', '_'));
            }
          }
        }
      }
    }
    return keys;
  }

  /** Whether {@code url} is one of ours. */
  static boolean isHeliosUrl(String url) {
    return url != null && url.startsWith(JdbcConfig.PREFIX);
  }

  /** The validated configuration; a wrong key or value fails the start with its message. */
  static HeliosConfig read(String url, Environment env) {
    return JdbcConfig.read(url, properties(url, env)).config();
  }
}
