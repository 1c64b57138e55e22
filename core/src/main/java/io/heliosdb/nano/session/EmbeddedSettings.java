package io.heliosdb.nano.session;

import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code current_user}, {@code current_setting()} and {@code set_config()} see on an embedded
 * connection, which has no SET, no SHOW and no login: the operating-system user running the JVM,
 * the parameters drivers read that have a fixed value here, and what set_config() set on this
 * connection (kept for current_setting, and lock_timeout for advisory locks; RESET and DISCARD ALL
 * forget it). A front end (the wire server) replaces all of it with its session's through {@link
 * Session#parameters}.
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

  private final Map<String, String> set = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

  /** The user name: the JVM's {@code user.name}, "heliosdb" when it has none. */
  static String user() {
    String u = System.getProperty("user.name");
    return u == null || u.isEmpty() ? "heliosdb" : u;
  }

  /** A parameter's value, null when there is no such parameter. */
  synchronized String get(String name) {
    String v = set.get(name);
    return v != null ? v : VALUES.get(name);
  }

  /** set_config(): any parameter, kept for {@link #get}. */
  synchronized String set(String name, String value) {
    set.put(name, value);
    return value;
  }

  /** RESET name: what set_config() set goes; a fixed parameter keeps its value. */
  synchronized void reset(String name) {
    set.remove(name);
  }

  /** RESET ALL, DISCARD ALL. */
  synchronized void resetAll() {
    set.clear();
  }
}
