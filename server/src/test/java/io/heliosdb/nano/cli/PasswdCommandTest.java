package io.heliosdb.nano.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.wire.ServerConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code heliosdb passwd USER}: the line it prints is a valid [server.users] entry. */
class PasswdCommandTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int passwd(String stdin, String user) {
    return Main.run(
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        false,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        "passwd",
        user);
  }

  @Test
  void nameThatIsNotABareKeyIsQuotedAndReadsBack() throws Exception {
    assertThat(passwd("pw\r\n", "o'neil.x \"q\"")).isZero();
    String line = out.toString(StandardCharsets.UTF_8);
    assertThat(line).startsWith("\"o'neil.x \\\"q\\\"\" = \"SCRAM-SHA-256$4096:");
    Path f = Files.writeString(dir.resolve("heliosdb.toml"), "[server.users]\n" + line);
    ServerConfig c = ServerConfig.load(f).auth("scram-sha-256").build();
    assertThat(c.authentication().users()).containsOnlyKeys("o'neil.x \"q\"");
  }

  @Test
  void emptyInputIsAUsageError() {
    assertThat(passwd("", "ann")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("heliosdb: no password given on standard input\n");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}
