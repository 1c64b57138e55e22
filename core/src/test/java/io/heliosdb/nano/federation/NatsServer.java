package io.heliosdb.nano.federation;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * A real {@code nats-server} for federation tests: loopback, a free port, JetStream on with a
 * throw-away store directory. It can be stopped and started again on the same port and store, to
 * cut the nodes off and bring them back.
 *
 * <p>Without {@code nats-server} installed the test is skipped, except under {@code CI=true}, where
 * it fails: CI installs it (.ci/run).
 */
public final class NatsServer implements AutoCloseable {
  static final Path BIN = Path.of("/usr/sbin/nats-server");

  private final Path dir;
  private final int port;
  private Process process;

  private NatsServer(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Starts a fresh server, or skips (fails under CI=true) when nats-server is missing. */
  public static NatsServer start() throws IOException {
    return startOn(freePort());
  }

  /** Starts a fresh server on {@code port}. */
  public static NatsServer startOn(int port) throws IOException {
    if (!Files.isExecutable(BIN)) {
      if ("true".equals(System.getenv("CI"))) {
        fail("nats-server is not installed at " + BIN + " (CI=true: .ci/run must install it)");
      }
      assumeTrue(false, "nats-server is not installed at " + BIN);
    }
    NatsServer s = new NatsServer(Files.createTempDirectory("heliosdb-nats"), port);
    s.restart();
    return s;
  }

  public String url() {
    return "nats://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Starts it (again): same port, same JetStream store. */
  public void restart() throws IOException {
    process =
        new ProcessBuilder(
                BIN.toString(),
                "-a",
                "127.0.0.1",
                "-p",
                String.valueOf(port),
                "-js",
                "-sd",
                dir.resolve("store").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("server.log").toFile())
            .start();
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(this::accepting);
  }

  /** Stops it, as an outage would: the clients see the connection drop. */
  public void stop() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
      process = null;
    }
  }

  private boolean accepting() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A port nothing listens on, for an unreachable NATS. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    stop();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
