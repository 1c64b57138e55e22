package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.config.Synchronous;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code [database] synchronous} does to the disk, seen from outside: a child JVM makes N
 * commits under {@code strace -f -y -e trace=fsync,fdatasync}, and the syncs of the write-ahead log
 * file are counted. FULL syncs the WAL at every commit (at least N); NORMAL only at checkpoints (a
 * handful for N small commits). In both, the copy {@code VACUUM INTO} writes is synced before it
 * returns (SQLite syncs it as the connection's mode says). Runs where strace is installed; under
 * CI=true a missing strace fails the test (.ci/run installs it).
 */
class SynchronousFsyncTest {
  private static final int COMMITS = 200;

  @TempDir Path dir;

  @Test
  void fullSyncsTheWalAtEveryCommitAndNormalDoesNot() throws Exception {
    String strace = strace();
    long full = walSyncs(strace, Synchronous.FULL);
    long normal = walSyncs(strace, Synchronous.NORMAL);
    assertThat(full)
        .as("WAL syncs for %d commits in FULL", COMMITS)
        .isGreaterThanOrEqualTo(COMMITS);
    assertThat(normal)
        .as("WAL syncs for %d commits in NORMAL (checkpoints only)", COMMITS)
        .isLessThan(COMMITS / 10);
  }

  /** Runs {@link SyncCommitter} under strace; the fsync/fdatasync calls on the -wal file. */
  private long walSyncs(String strace, Synchronous mode) throws Exception {
    Path db = dir.resolve(mode.configName() + ".db");
    Path trace = dir.resolve(mode.configName() + ".strace");
    Path backup = dir.resolve(mode.configName() + "-backup.db");
    Process p =
        new ProcessBuilder(
                strace,
                "-f",
                "--seccomp-bpf", // stops only at the traced calls: the JVM runs at nearly full
                // speed
                "-qq",
                "-y",
                "-e",
                "trace=fsync,fdatasync",
                "-e",
                "signal=none",
                "-o",
                trace.toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SyncCommitter.class.getName(),
                db.toString(),
                mode.configName(),
                Integer.toString(COMMITS),
                backup.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(mode.configName() + ".out").toFile())
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the child finished").isTrue();
    String output = Files.readString(dir.resolve(mode.configName() + ".out"));
    assertThat(p.exitValue()).as("the child's exit; output:%n%s", output).isZero();
    // The child really committed N rows, each with its durable notification.
    try (HeliosDB check =
        HeliosDB.open(HeliosConfig.builder().path(db).durableChannels("orders").build())) {
      assertThat(count(check, "orders")).isEqualTo(COMMITS);
      assertThat(count(check, "heliosdb_notifications")).isEqualTo(COMMITS);
    }
    // strace -y names a descriptor by its real path.
    List<String> lines = Files.readAllLines(trace, StandardCharsets.UTF_8);
    assertThat(syncsOf(lines, backup.toRealPath() + ">"))
        .as("syncs of the VACUUM INTO copy in %s", mode)
        .isPositive();
    return syncsOf(lines, db.toRealPath() + "-wal>");
  }

  /**
   * fsync/fdatasync calls on the file strace -y shows as {@code path>} ({@code <...>} after fd).
   */
  private static long syncsOf(List<String> lines, String pathAndBracket) {
    return lines.stream()
        .filter(l -> l.contains("fsync(") || l.contains("fdatasync("))
        .filter(l -> l.contains("<" + pathAndBracket))
        .count();
  }

  private static long count(HeliosDB db, String table) {
    return ((Number) db.query("SELECT count(*) AS n FROM " + table).get(0).get("n")).longValue();
  }

  /** strace on PATH; without it the test is skipped, except under CI=true, where it fails. */
  private static String strace() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(d, "strace");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    if ("true".equals(System.getenv("CI"))) {
      fail(
          "strace is not installed, and CI=true: .ci/run must install it (apt-get install strace)");
    }
    Assumptions.abort("strace is not installed");
    return null;
  }
}
