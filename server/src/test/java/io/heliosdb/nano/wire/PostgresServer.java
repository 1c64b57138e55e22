package io.heliosdb.nano.wire;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL 15 for differential tests: a throw-away cluster (initdb, trust authentication,
 * loopback, a free port) started with pg_ctl and removed afterwards. As root, the server runs as
 * the {@code postgres} user, since PostgreSQL refuses to run as root.
 *
 * <p>Without PostgreSQL 15 installed the test is skipped, except under {@code CI=true}, where it
 * fails: CI installs it (.ci/run).
 */
final class PostgresServer implements AutoCloseable {
  static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

  private final Path dir;
  private final int port;
  private final boolean asPostgresUser;

  private PostgresServer(Path dir, int port, boolean asPostgresUser) {
    this.dir = dir;
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  /** Starts a fresh cluster, or skips (fails under CI=true) when PostgreSQL 15 is missing. */
  static PostgresServer start() throws Exception {
    boolean installed = Files.isExecutable(BIN.resolve("pg_ctl"));
    if (!installed) {
      if ("true".equals(System.getenv("CI"))) {
        fail("PostgreSQL 15 is not installed at " + BIN + " (CI=true: .ci/run must install it)");
      }
      assumeTrue(false, "PostgreSQL 15 is not installed at " + BIN);
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("heliosdb-pg");
    if (root) {
      run(List.of("chown", "postgres", dir.toString()), false);
    }
    int port = freePort();
    PostgresServer pg = new PostgresServer(dir, port, root);
    Path data = dir.resolve("data");
    pg.pgRun(
        BIN.resolve("initdb").toString(),
        "-D",
        data.toString(),
        "-A",
        "trust",
        "-U",
        "postgres",
        "-E",
        "UTF8",
        "--locale=C",
        "--no-sync");
    pg.pgRun(
        BIN.resolve("pg_ctl").toString(),
        "-D",
        data.toString(),
        "-l",
        dir.resolve("server.log").toString(),
        "-w",
        "-o",
        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off",
        "start");
    return pg;
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
  }

  int port() {
    return port;
  }

  @Override
  public void close() throws Exception {
    try {
      pgRun(
          BIN.resolve("pg_ctl").toString(),
          "-D",
          dir.resolve("data").toString(),
          "-m",
          "immediate",
          "-w",
          "stop");
    } finally {
      run(List.of("rm", "-rf", dir.toString()), false);
    }
  }

  private void pgRun(String... command) throws Exception {
    List<String> cmd = new ArrayList<>();
    if (asPostgresUser) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.addAll(List.of(command));
    run(cmd, true);
  }

  private static void run(List<String> cmd, boolean mustSucceed) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " did not finish");
    }
    if (mustSucceed && p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
