package io.heliosdb.nano.config;

import java.net.InetAddress;

/**
 * The host's name, the node name when [edge] device_id is not set: {@code $HOSTNAME}, else the
 * kernel's host name (as the {@code hostname} command prints it), else what Java resolves for the
 * local host, else {@code "localhost"}. Looked up once per JVM.
 */
final class HostName {
  private static volatile String name;

  private HostName() {}

  static String get() {
    String n = name;
    if (n == null) {
      n = lookUp();
      name = n;
    }
    return n;
  }

  private static String lookUp() {
    // The environment first: no name-service lookup, which can stall on a misconfigured host.
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      java.nio.file.Path kernel = java.nio.file.Path.of("/proc/sys/kernel/hostname");
      if (java.nio.file.Files.isReadable(kernel)) {
        String k = java.nio.file.Files.readString(kernel).trim();
        if (!k.isEmpty()) {
          return k;
        }
      }
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException | SecurityException e) {
      return "localhost";
    }
  }
}
