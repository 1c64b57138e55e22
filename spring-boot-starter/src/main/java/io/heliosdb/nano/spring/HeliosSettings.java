package io.heliosdb.nano.spring;

import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.config.JdbcConfig;
import java.util.Properties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

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

  private HeliosSettings() {}

  /** The {@code heliosdb.*} keys given, named as in a URL, for {@link JdbcConfig#read}. */
  static Properties properties(String url, Environment env) {
    Binder binder = Binder.get(env);
    Properties props = new Properties();
    for (JdbcConfig.KeyInfo key : JdbcConfig.describe(url, new Properties())) {
      String name = PREFIX + "." + key.name().replace('_', '-');
      binder
          .bind(name, Bindable.listOf(String.class))
          .ifBound(values -> props.setProperty(key.name(), String.join(",", values)));
    }
    return props;
  }

  /** The validated configuration; a wrong key or value fails the start with its message. */
  static HeliosConfig read(String url, Environment env) {
    return JdbcConfig.read(url, properties(url, env)).config();
  }

  /** Whether {@code url} is one of ours. */
  static boolean isHeliosUrl(String url) {
    return url != null && url.startsWith(JdbcConfig.PREFIX);
  }
}
