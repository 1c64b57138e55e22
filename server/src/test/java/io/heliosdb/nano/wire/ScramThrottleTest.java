package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.net.AuthThrottle;
import io.heliosdb.nano.wire.auth.Authentication;
import io.heliosdb.nano.wire.auth.Scram;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wrong SCRAM passwords from one client address are answered later and later (28P01 all the same);
 * the right password still connects; another address is not slowed down.
 */
class ScramThrottleTest {
  @TempDir Path dir;
  private final AuthThrottle throttle = new AuthThrottle();
  private WireServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        WireServer.start(
            HeliosDB.open(dir.resolve("throttle.db")),
            WireServer.Options.loopback(0)
                .with(Authentication.scram(Map.of("ann", Scram.verifier("s3cret")))),
            throttle);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Connects as ann from {@code localAddress} (any 127.x.y.z is this machine on Linux). */
  private Connection connect(String localAddress, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "ann");
    p.setProperty("password", password);
    p.setProperty("localSocketAddress", localAddress);
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.port() + "/t", p);
  }

  /** A wrong password from {@code localAddress}: how long until the 28P01 arrived, in ms. */
  private long failOnce(String localAddress) {
    long start = System.nanoTime();
    SQLException e =
        catchThrowableOfType(SQLException.class, () -> connect(localAddress, "wrong").close());
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(e.getSQLState()).isEqualTo("28P01");
    assertThat(e.getMessage()).contains("password authentication failed for user \"ann\"");
    return millis;
  }

  @Test
  void wrongPasswordsAreAnsweredLaterAndLaterAndTheRightOneStillConnects() throws Exception {
    failOnce("127.0.0.1");
    assertThat(throttle.throttled()).as("the first failure is free").isZero();
    for (int n = 2; n <= 6; n++) {
      long expected = 100L << (n - 2); // 100, 200, 400, 800, 1600 ms
      assertThat(failOnce("127.0.0.1")).as("failure " + n).isGreaterThanOrEqualTo(expected);
    }
    assertThat(throttle.failures()).isEqualTo(6);
    assertThat(throttle.throttled()).isEqualTo(5);
    try (Connection c = connect("127.0.0.1", "s3cret")) {
      assertThat(c.isValid(10)).isTrue();
    }
    assertThat(throttle.failures()).as("a success is no failure").isEqualTo(6);
  }

  @Test
  void anotherAddressIsNotSlowedDown() throws Exception {
    for (int n = 1; n <= 3; n++) {
      failOnce("127.0.0.1");
    }
    assertThat(throttle.throttled()).isEqualTo(2);
    failOnce("127.0.0.2");
    assertThat(throttle.throttled())
        .as("127.0.0.2's first failure is answered at once")
        .isEqualTo(2);
    try (Connection c = connect("127.0.0.2", "s3cret")) {
      assertThat(c.isValid(10)).isTrue();
    }
    assertThat(failOnce("127.0.0.1"))
        .as("127.0.0.1 is still slowed down")
        .isGreaterThanOrEqualTo(400);
    assertThat(throttle.throttled()).isEqualTo(3);
  }
}
