package io.heliosdb.nano.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "In your application" as a new user follows it: a Maven project outside this build
 * whose dependency is the README's {@code <dependency>} block and whose main is the README's Java
 * snippet, built against the installed library and run. The library is installed as {@code ./mvnw
 * install -pl core -am} installs it (the parent POM, core's POM and jar; the pom of this module
 * does it before this test) into a repository of this build's target, which the consumer's Maven
 * reads first; ~/.m2 behind it, read only, has the rest (Maven's chained local repository).
 */
class ConsumerProjectIT {
  private static final Pattern SECTION =
      Pattern.compile("## In your application\n(.*?)\n## ", Pattern.DOTALL);
  private static final Pattern XML = Pattern.compile("```xml\n(.*?)```", Pattern.DOTALL);
  private static final Pattern JAVA = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);

  @TempDir Path dir;

  @Test
  void theReadmesSnippetBuildsAgainstTheInstalledLibraryAndReceivesItsNotification()
      throws Exception {
    Path root = Path.of(System.getProperty("heliosdb.root")).toRealPath();
    String section = match(SECTION, Files.readString(root.resolve("README.md")));
    Files.writeString(
        dir.resolve("pom.xml"),
        Files.readString(root.resolve("dist/src/test/consumer/pom.xml"))
            .replace("<!-- README -->", match(XML, section)));
    Path app =
        Files.createDirectories(dir.resolve("src/main/java/com/example")).resolve("App.java");
    Files.writeString(
        app,
        "package com.example;\n"
            + "import io.heliosdb.nano.*;\n"
            + "import java.nio.file.Path;\n"
            + "import java.time.Duration;\n"
            + "public class App {\n"
            + "  public static void main(String[] args) throws Exception {\n"
            + match(JAVA, section)
            + "  }\n"
            + "}\n");

    run(
        List.of(
            root.resolve("mvnw").toString(),
            "-B",
            "-q",
            "-ntp",
            "package",
            "-Dmaven.repo.local=" + System.getProperty("consumer.repository"),
            "-Dmaven.repo.local.tail=" + System.getProperty("maven.local.repository")));
    String out =
        run(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                "target/consumer.jar"));

    assertThat(out).contains("orders: {\"id\":1,\"amount\":9.99}");
    assertThat(dir.resolve("shop.db")).isRegularFile();
  }

  private static String match(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    assertThat(m.find()).as("%s in %s", pattern, text).isTrue();
    return m.group(1);
  }

  /** Runs the command in the consumer's directory; its output, once it exited with 0. */
  private String run(List<String> command) throws IOException, InterruptedException {
    Path log = Files.createTempFile(dir, "run", ".log");
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean exited = p.waitFor(5, TimeUnit.MINUTES);
    p.destroyForcibly();
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(exited).as("%s: %s", command, out).isTrue();
    assertThat(p.exitValue()).as("%s: %s", command, out).isZero();
    return out;
  }
}
