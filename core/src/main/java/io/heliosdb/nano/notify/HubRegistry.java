package io.heliosdb.nano.notify;

import io.heliosdb.nano.config.ConfigException;
import io.heliosdb.nano.config.HeliosConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * One hub per database in this JVM, however its connections were opened (the Java API, {@code
 * db.connection()}, DriverManager). Reference-counted: the hub closes with its last user. The first
 * opener's settings decide the hub's limits.
 */
public final class HubRegistry {
  private static final Map<String, Shared> HUBS = new HashMap<>();

  /** A hub and the settings it was created with. */
  public record Shared(String key, Hub hub, HeliosConfig config) {}

  private static final Map<String, Integer> REFS = new HashMap<>();

  private HubRegistry() {}

  /** The hub for {@code key} (a canonical file path or memory name), created if needed. */
  public static synchronized Shared acquire(String key, HeliosConfig config) {
    Shared s = HUBS.get(key);
    if (s == null) {
      Hub hub =
          new Hub(
              config.maxChannels(),
              config.notificationQueueSize(),
              config.notificationQueueBytes(),
              config.notificationQueueTotalBytes(),
              config.metrics(),
              NotificationLog.of(config),
              config.nodeName());
      s = new Shared(key, hub, config);
      HUBS.put(key, s);
    } else if (config.crossProcess() && !s.config().crossProcess()) {
      throw new ConfigException(
          "cross_process = true, but this database is already open in this process without it;"
              + " open it with the same setting");
    } else if (!config.durableChannels().isEmpty()
        && !config.durableChannels().patterns().equals(s.config().durableChannels().patterns())) {
      // Which notifications are logged is decided per file, not per handle: a second handle
      // asking for other durable channels would silently not get them.
      throw new ConfigException(
          "durable_channels = "
              + config.durableChannels()
              + " differs from "
              + s.config().durableChannels()
              + ", with which this database is already open in this process; open it with the"
              + " same durable channels, or none to use those");
    }
    REFS.merge(key, 1, Integer::sum);
    return s;
  }

  /** Drops one reference; the last one closes the hub. */
  public static synchronized void release(Shared s) {
    Integer refs = REFS.get(s.key());
    if (refs == null || HUBS.get(s.key()) != s) {
      return;
    }
    if (refs <= 1) {
      REFS.remove(s.key());
      HUBS.remove(s.key());
      s.hub().close();
    } else {
      REFS.put(s.key(), refs - 1);
    }
  }
}
