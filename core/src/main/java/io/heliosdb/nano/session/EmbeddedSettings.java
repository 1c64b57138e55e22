package io.heliosdb.nano.session;

import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code current_user} and {@code current_setting()} answer on an embedded connection, which
 * has no SET, no SHOW and no login: the operating-system user running the JVM, and the parameters
 * drivers read that have a fixed value here. A front end (the wire server) replaces both with its
 * session's through {@link Session#parameters}.
 */
final class EmbeddedSettings {
  private static final Map<String, String> VALUES = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

  static {
    VALUES.put("client_encoding", "UTF8");
    VALUES.put("integer_datetimes", "on");
    VALUES.put("max_identifier_length", "63");
    VALUES.put("search_path", "\"$user\", public");
    VALUES.put("server_encoding", "UTF8");
    VALUES.put("server_version", "15.0 (HeliosDB Nano)");
    VALUES.put("server_version_num", "150000");
    VALUES.put("standard_conforming_strings", "on");
    VALUES.put("TimeZone", "UTC");
  }

  private EmbeddedSettings() {}

  /** The user name: the JVM's {@code user.name}, "heliosdb" when it has none. */
  static String user() {
    String u = System.getProperty("user.name");
    return u == null || u.isEmpty() ? "heliosdb" : u;
  }

  /** A parameter's value, null when there is no such parameter. */
  static String get(String name) {
    return VALUES.get(name);
  }
}
