package io.heliosdb.nano.examples;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A throw-away {@code nats-server} on a free loopback port, for the edge-node example's test.
 * Without nats-server the test is skipped, except under {@code CI=true}, where it fails: .ci/run
 * installs it.
 */
final class LocalNatsServer implements AutoCloseable {
  private static final Path BIN = Path.of("/usr/sbin/nats-server");

  private final Process process;
  private final int port;

  private LocalNatsServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static LocalNatsServer start(Path logFile) throws IOException {
    if (!Files.isExecutable(BIN)) {
      if ("true".equals(System.getenv("CI"))) {
        fail("nats-server is not installed at " + BIN + " (CI=true: .ci/run must install it)");
      }
      assumeTrue(false, "nats-server is not installed at " + BIN);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process p =
        new ProcessBuilder(BIN.toString(), "-a", "127.0.0.1", "-p", String.valueOf(port))
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile())
            .start();
    LocalNatsServer server = new LocalNatsServer(p, port);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(server::accepting);
    return server;
  }

  String url() {
    return "nats://127.0.0.1:" + port;
  }

  private boolean accepting() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
