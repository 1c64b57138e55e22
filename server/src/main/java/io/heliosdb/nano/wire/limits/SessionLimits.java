package io.heliosdb.nano.wire.limits;

import io.heliosdb.nano.config.ConfigException;
import io.heliosdb.nano.config.Durations;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import jdk.net.ExtendedSocketOptions;
import org.tomlj.TomlTable;

/**
 * How long a connection may take and keep, with PostgreSQL's names: the [server] keys {@code
 * authentication_timeout}, {@code idle_session_timeout}, {@code
 * idle_in_transaction_session_timeout}, {@code listener_stall_timeout} and {@code
 * tcp_keepalives_idle}, {@code tcp_keepalives_interval}, {@code tcp_keepalives_count}. A zero
 * timeout is disabled; a zero keepalive setting leaves the system's default.
 *
 * @param authenticationTimeout from connect to the end of authentication; then closed silently
 * @param idleSessionTimeout idle outside a transaction block: FATAL 57P05
 * @param idleInTransactionSessionTimeout idle inside a transaction block: FATAL 25P03
 * @param listenerStallTimeout a session whose notification queue overflowed and whose client reads
 *     nothing for this long: FATAL 53400
 * @param tcpKeepalivesIdle seconds without traffic before the first keepalive probe
 * @param tcpKeepalivesInterval seconds between probes
 * @param tcpKeepalivesCount probes lost before the connection is dead
 */
public record SessionLimits(
    Duration authenticationTimeout,
    Duration idleSessionTimeout,
    Duration idleInTransactionSessionTimeout,
    Duration listenerStallTimeout,
    int tcpKeepalivesIdle,
    int tcpKeepalivesInterval,
    int tcpKeepalivesCount) {

  /** PostgreSQL's defaults (60 s to authenticate, no idle timeouts), a minute of stall. */
  public static final SessionLimits DEFAULTS =
      new SessionLimits(
          Duration.ofSeconds(60), Duration.ZERO, Duration.ZERO, Duration.ofSeconds(60));

  public static final List<String> KEYS =
      List.of(
          "authentication_timeout",
          "idle_session_timeout",
          "idle_in_transaction_session_timeout",
          "listener_stall_timeout",
          "tcp_keepalives_idle",
          "tcp_keepalives_interval",
          "tcp_keepalives_count");

  /** PostgreSQL's bound for timeouts kept in milliseconds (an int4). */
  private static final long MAX_MILLIS = Integer.MAX_VALUE;

  /** Linux's bounds for TCP_KEEPIDLE and TCP_KEEPINTVL (seconds) and TCP_KEEPCNT. */
  private static final int MAX_KEEPALIVE_SECONDS = 32767;

  private static final int MAX_KEEPALIVE_COUNT = 127;

  /** Checks every value; the message starts with the key. */
  public SessionLimits {
    if (authenticationTimeout.compareTo(Duration.ofSeconds(1)) < 0
        || authenticationTimeout.compareTo(Duration.ofSeconds(600)) > 0) {
      throw outOfRange("authentication_timeout", authenticationTimeout, "between 1s and 600s");
    }
    millis("idle_session_timeout", idleSessionTimeout);
    millis("idle_in_transaction_session_timeout", idleInTransactionSessionTimeout);
    millis("listener_stall_timeout", listenerStallTimeout);
    keepalive("tcp_keepalives_idle", tcpKeepalivesIdle, MAX_KEEPALIVE_SECONDS, "s");
    keepalive("tcp_keepalives_interval", tcpKeepalivesInterval, MAX_KEEPALIVE_SECONDS, "s");
    keepalive("tcp_keepalives_count", tcpKeepalivesCount, MAX_KEEPALIVE_COUNT, "");
  }

  /** These timeouts with the system's keepalive settings. */
  public SessionLimits(
      Duration authenticationTimeout,
      Duration idleSessionTimeout,
      Duration idleInTransactionSessionTimeout,
      Duration listenerStallTimeout) {
    this(
        authenticationTimeout,
        idleSessionTimeout,
        idleInTransactionSessionTimeout,
        listenerStallTimeout,
        0,
        0,
        0);
  }

  public SessionLimits withAuthenticationTimeout(Duration d) {
    return new SessionLimits(
        d,
        idleSessionTimeout,
        idleInTransactionSessionTimeout,
        listenerStallTimeout,
        tcpKeepalivesIdle,
        tcpKeepalivesInterval,
        tcpKeepalivesCount);
  }

  public SessionLimits withIdleSessionTimeout(Duration d) {
    return new SessionLimits(
        authenticationTimeout,
        d,
        idleInTransactionSessionTimeout,
        listenerStallTimeout,
        tcpKeepalivesIdle,
        tcpKeepalivesInterval,
        tcpKeepalivesCount);
  }

  public SessionLimits withIdleInTransactionSessionTimeout(Duration d) {
    return new SessionLimits(
        authenticationTimeout,
        idleSessionTimeout,
        d,
        listenerStallTimeout,
        tcpKeepalivesIdle,
        tcpKeepalivesInterval,
        tcpKeepalivesCount);
  }

  public SessionLimits withListenerStallTimeout(Duration d) {
    return new SessionLimits(
        authenticationTimeout,
        idleSessionTimeout,
        idleInTransactionSessionTimeout,
        d,
        tcpKeepalivesIdle,
        tcpKeepalivesInterval,
        tcpKeepalivesCount);
  }

  /** Keepalive idle and interval in seconds and the probe count; 0: the system's default. */
  public SessionLimits withTcpKeepalives(int idleSeconds, int intervalSeconds, int count) {
    return new SessionLimits(
        authenticationTimeout,
        idleSessionTimeout,
        idleInTransactionSessionTimeout,
        listenerStallTimeout,
        idleSeconds,
        intervalSeconds,
        count);
  }

  /**
   * Fails when a keepalive setting is given on a platform whose Java cannot set it (TCP_KEEPIDLE
   * and the others are Linux's and macOS's); PostgreSQL refuses such a setting too.
   */
  public void checkPlatform() {
    if (tcpKeepalivesIdle == 0 && tcpKeepalivesInterval == 0 && tcpKeepalivesCount == 0) {
      return;
    }
    Set<java.net.SocketOption<?>> supported;
    try (SocketChannel probe = SocketChannel.open()) {
      supported = probe.supportedOptions();
    } catch (IOException e) {
      throw new ConfigException("tcp_keepalives_*: cannot open a socket: " + e.getMessage());
    }
    if (!supported.contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
      throw new ConfigException(
          "tcp_keepalives_idle, tcp_keepalives_interval and tcp_keepalives_count are not"
              + " supported on this platform: leave them at 0 (the system's settings)");
    }
  }

  /** Reads key {@code key} of [server] into a copy of {@code limits}; errors name {@code where}. */
  public static SessionLimits read(SessionLimits limits, TomlTable t, String key, String where) {
    try {
      if (key.equals("tcp_keepalives_count")) {
        if (!t.isLong(List.of(key))) {
          throw new ConfigException(where + " must be an integer (0: the system's default)");
        }
        long n = Math.max(-1, Math.min(t.getLong(List.of(key)), Integer.MAX_VALUE));
        return limits.withTcpKeepalives(
            limits.tcpKeepalivesIdle, limits.tcpKeepalivesInterval, (int) n);
      }
      Duration d = duration(t, key, where);
      return switch (key) {
        case "authentication_timeout" -> limits.withAuthenticationTimeout(d);
        case "idle_session_timeout" -> limits.withIdleSessionTimeout(d);
        case "idle_in_transaction_session_timeout" -> limits.withIdleInTransactionSessionTimeout(d);
        case "listener_stall_timeout" -> limits.withListenerStallTimeout(d);
        case "tcp_keepalives_idle" ->
            limits.withTcpKeepalives(
                seconds(key, d), limits.tcpKeepalivesInterval, limits.tcpKeepalivesCount);
        default ->
            limits.withTcpKeepalives(
                limits.tcpKeepalivesIdle, seconds(key, d), limits.tcpKeepalivesCount);
      };
    } catch (ConfigException e) {
      if (e.getMessage().startsWith(where)) {
        throw e;
      }
      String file = where.substring(0, where.length() - ("server." + key).length());
      throw new ConfigException(file + "server." + e.getMessage());
    }
  }

  /** A duration string, or the integer 0 (disabled, or the system's default). */
  private static Duration duration(TomlTable t, String key, String where) {
    if (t.isLong(List.of(key)) && t.getLong(List.of(key)) == 0) {
      return Duration.ZERO;
    }
    if (!t.isString(List.of(key))) {
      throw new ConfigException(
          where + " must be a duration with its unit, e.g. " + Durations.EXAMPLES + ", or 0");
    }
    String text = t.getString(List.of(key));
    Duration d = Durations.parse(text);
    if (d == null) {
      throw new ConfigException(
          where
              + " = \""
              + text
              + "\" is not a duration: use e.g. "
              + Durations.EXAMPLES
              + ", or 0");
    }
    return d;
  }

  private static int seconds(String key, Duration d) {
    if (d.toMillis() % 1000 != 0) {
      throw new ConfigException(key + " = " + Durations.format(d) + " is not whole seconds");
    }
    return (int) Math.min(d.getSeconds(), Integer.MAX_VALUE);
  }

  private static void millis(String key, Duration d) {
    if (d.isNegative() || d.toMillis() > MAX_MILLIS) {
      throw outOfRange(key, d, "between 0 (disabled) and 2147483647ms (24 days)");
    }
  }

  private static void keepalive(String key, int value, int max, String unit) {
    if (value < 0 || value > max) {
      throw new ConfigException(
          key
              + " = "
              + value
              + unit
              + " is out of range: must be between 0 (the system's default) and "
              + max
              + unit);
    }
  }

  private static ConfigException outOfRange(String key, Duration d, String range) {
    return new ConfigException(
        key + " = " + Durations.format(d) + " is out of range: must be " + range);
  }
}
