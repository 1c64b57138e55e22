package io.heliosdb.nano.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The delays of failed authentications per client address, on a clock the test moves. */
class AuthThrottleTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final AuthThrottle throttle = new AuthThrottle(now::get, 3);

  private static SocketAddress from(String ip) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(ip), 40000);
  }

  private void pass(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void theFirstFailureIsFreeThenTheDelayDoublesUpToItsCap() throws Exception {
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      delays.add(throttle.failed(from("10.0.0.1")).toMillis());
      pass(Duration.ofSeconds(1));
    }
    assertThat(delays)
        .containsExactly(0L, 100L, 200L, 400L, 800L, 1600L, 3200L, 5000L, 5000L, 5000L);
    assertThat(throttle.failures()).isEqualTo(10);
    assertThat(throttle.throttled()).isEqualTo(9);
  }

  @Test
  void anotherAddressIsNotAffected() throws Exception {
    for (int i = 0; i < 5; i++) {
      throttle.failed(from("10.0.0.1"));
    }
    assertThat(throttle.failed(from("10.0.0.2"))).isZero();
    assertThat(throttle.failed(from("10.0.0.2"))).isEqualTo(Duration.ofMillis(100));
    assertThat(throttle.failed(from("10.0.0.1"))).isEqualTo(Duration.ofMillis(1600));
  }

  @Test
  void anAddressIsForgottenAfterTenQuietMinutesButNotEarlier() throws Exception {
    for (int i = 0; i < 4; i++) {
      throttle.failed(from("10.0.0.1"));
    }
    pass(AuthThrottle.QUIET.minusSeconds(1));
    assertThat(throttle.failed(from("10.0.0.1"))).isEqualTo(Duration.ofMillis(800));
    pass(AuthThrottle.QUIET);
    assertThat(throttle.failed(from("10.0.0.1"))).isZero();
    assertThat(throttle.failed(from("10.0.0.1"))).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void theTableKeepsTheMostRecentlyFailingAddressesOnly() throws Exception {
    throttle.failed(from("10.0.0.1"));
    throttle.failed(from("10.0.0.2"));
    throttle.failed(from("10.0.0.3"));
    throttle.failed(from("10.0.0.1")); // the most recent now: 10.0.0.2 is the eldest
    throttle.failed(from("10.0.0.4"));
    assertThat(throttle.addresses()).isEqualTo(3);
    assertThat(throttle.failed(from("10.0.0.1"))).as("kept").isEqualTo(Duration.ofMillis(200));
    assertThat(throttle.failed(from("10.0.0.2"))).as("forgotten: afresh").isZero();
    assertThat(throttle.addresses()).isEqualTo(3);
  }

  @Test
  void ipv6ClientsCountByTheirSlash64() throws Exception {
    throttle.failed(from("2001:db8:1:2::1"));
    assertThat(throttle.failed(from("2001:db8:1:2:ffff::9"))).isEqualTo(Duration.ofMillis(100));
    assertThat(throttle.failed(from("2001:db8:1:3::1"))).as("another /64").isZero();
  }

  @Test
  void clientsThatAreNotIpAddressesAreCountedButNotDelayed() {
    SocketAddress other = new SocketAddress() {};
    assertThat(throttle.failed(other)).isZero();
    assertThat(throttle.failed(other)).isZero();
    assertThat(throttle.failures()).isEqualTo(2);
    assertThat(throttle.throttled()).isZero();
  }
}
