package io.heliosdb.nano.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.Jedis;

/**
 * A server's memory, three ways: Rss and Pss (from {@code /proc/PID/smaps_rollup}, summed over the
 * process and its descendants, so over PostgreSQL's backends; Pss splits shared pages such as
 * PostgreSQL's shared buffers between the processes mapping them) and what the server itself
 * counts: the bytes of live Java objects ({@code jcmd PID GC.class_histogram}, which runs a full GC
 * first; G1's "used" after a GC counts whole regions) for our server, Redis's {@code used_memory}
 * (its allocator's count), nothing for PostgreSQL.
 */
record ServerMemory(long rss, long pss, long own, int processes) {
  private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("Total\\s+\\d+\\s+(\\d+)");

  static ServerMemory measure(WireTarget target, long pid, String host, int port)
      throws IOException, InterruptedException {
    long own = -1;
    if (target == WireTarget.HELIOSDB) {
      Matcher m = HISTOGRAM_TOTAL.matcher(jcmd(pid, "GC.class_histogram"));
      own = m.find() ? Long.parseLong(m.group(1)) : -1;
    } else if (target == WireTarget.REDIS) {
      try (Jedis jedis = new Jedis(host, port)) {
        for (String line : jedis.info("memory").split("\r\n")) {
          if (line.startsWith("used_memory:")) {
            own = Long.parseLong(line.substring("used_memory:".length()));
          }
        }
      }
    }
    List<Long> pids = new ArrayList<>();
    pids.add(pid);
    ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
    long rss = 0;
    long pss = 0;
    int counted = 0;
    for (long p : pids) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/" + p + "/smaps_rollup"))) {
          if (line.startsWith("Rss:")) {
            rss += kilobytes(line);
          } else if (line.startsWith("Pss:")) {
            pss += kilobytes(line);
          }
        }
        counted++;
      } catch (IOException exited) {
        // a process that ended meanwhile
      }
    }
    return new ServerMemory(rss, pss, own, counted);
  }

  private static long kilobytes(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out;
  }
}
