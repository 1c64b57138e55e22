package io.heliosdb.nano.net;

import io.heliosdb.nano.config.Durations;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down the guessing of passwords and tokens, per client address: the first failed
 * authentication in a row is answered at once (a mistyped password costs nothing), each further one
 * after a delay that starts at 100 ms and doubles up to 5 s. An address is forgotten 10 minutes
 * after its last failure. A success does not forget it: otherwise whoever holds any valid
 * credential (their own account, a subscribe-only token) could reset the throttle between guesses.
 *
 * <p>The caller answers the failure that much later (scheduled on its event loop, never waiting on
 * it); successes are never delayed. Parallel attempts from one address each count, so a burst
 * reaches the longest delay at once, and each holds its connection while it waits.
 *
 * <p>Memory is bounded: at most {@link #MAX_ADDRESSES} addresses are remembered, the least recently
 * failing forgotten first. IPv6 clients count by their /64 prefix, the block one subscriber gets,
 * so that one client cannot spread its attempts over 2^64 addresses of its own. Shared by the wire
 * server and the HTTP gateway of one {@code heliosdb serve}: failures on either port count.
 */
public final class AuthThrottle {
  private static final Logger log = LoggerFactory.getLogger(AuthThrottle.class);

  /** Failures in a row answered without delay. */
  static final int FREE_FAILURES = 1;

  static final Duration FIRST_DELAY = Duration.ofMillis(100);
  static final Duration MAX_DELAY = Duration.ofSeconds(5);

  /** An address without a failure for this long starts afresh. */
  static final Duration QUIET = Duration.ofMinutes(10);

  /** Addresses remembered at most (about 100 bytes each). */
  static final int MAX_ADDRESSES = 10_000;

  /** Failures in a row from one address, and when the last one was. */
  private static final class Entry {
    int failures;
    long lastFailureNanos;
  }

  private final LongSupplier nanoTime;
  private final Map<InetAddress, Entry> addresses;
  private final LongAdder failures = new LongAdder();
  private final LongAdder throttled = new LongAdder();

  public AuthThrottle() {
    this(System::nanoTime, MAX_ADDRESSES);
  }

  /** With another clock and table size (tests). */
  AuthThrottle(LongSupplier nanoTime, int maxAddresses) {
    this.nanoTime = nanoTime;
    this.addresses =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<InetAddress, Entry> eldest) {
            return size() > maxAddresses;
          }
        };
  }

  /**
   * Records a failed authentication of {@code client}: how long to wait before answering it (zero
   * for the first in a row, or a client that is not an IP address).
   */
  public Duration failed(SocketAddress client) {
    failures.increment();
    InetAddress key = key(client);
    if (key == null) {
      return Duration.ZERO;
    }
    int n;
    synchronized (addresses) {
      long now = nanoTime.getAsLong();
      Entry e = addresses.computeIfAbsent(key, k -> new Entry());
      if (e.failures > 0 && now - e.lastFailureNanos >= QUIET.toNanos()) {
        e.failures = 0;
      }
      e.failures = e.failures == Integer.MAX_VALUE ? e.failures : e.failures + 1;
      e.lastFailureNanos = now;
      n = e.failures;
    }
    if (n <= FREE_FAILURES) {
      return Duration.ZERO;
    }
    throttled.increment();
    if (n == FREE_FAILURES + 1) {
      log.warn(
          "{} failed authentications in a row from {}: answering its failures after a delay, {}"
              + " doubling up to {}, until {} pass without one",
          n,
          describe(key),
          Durations.format(FIRST_DELAY),
          Durations.format(MAX_DELAY),
          Durations.format(QUIET));
    }
    return delay(n);
  }

  /** The delay of the {@code n}th failure in a row. */
  static Duration delay(int n) {
    if (n <= FREE_FAILURES) {
      return Duration.ZERO;
    }
    int doublings = Math.min(n - FREE_FAILURES - 1, 30);
    long millis = Math.min(FIRST_DELAY.toMillis() << doublings, MAX_DELAY.toMillis());
    return Duration.ofMillis(millis);
  }

  /** Failed authentications so far (for /metrics). */
  public long failures() {
    return failures.sum();
  }

  /** Failed authentications answered after a delay (for /metrics). */
  public long throttled() {
    return throttled.sum();
  }

  /** Addresses remembered now. */
  int addresses() {
    synchronized (addresses) {
      return addresses.size();
    }
  }

  /** The address a client counts as: its IPv4 address, or its IPv6 /64; null when not IP. */
  static InetAddress key(SocketAddress client) {
    if (!(client instanceof InetSocketAddress a) || a.getAddress() == null) {
      return null;
    }
    InetAddress ip = a.getAddress();
    if (!(ip instanceof Inet6Address)) {
      return ip;
    }
    try {
      return InetAddress.getByAddress(Arrays.copyOf(Arrays.copyOf(ip.getAddress(), 8), 16));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("16 bytes are an IPv6 address", e);
    }
  }

  private static String describe(InetAddress key) {
    return key.getHostAddress() + (key instanceof Inet6Address ? "/64" : "");
  }
}
