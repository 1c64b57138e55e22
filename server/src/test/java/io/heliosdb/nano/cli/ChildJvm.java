package io.heliosdb.nano.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: the heliosdb command line ({@link Main}) in a child JVM on this test's class path.
 * The command is the java binary itself, no shell around it, so that {@link
 * Process#destroyForcibly()} is a SIGKILL of that JVM.
 */
final class ChildJvm {
  private ChildJvm() {}

  /** {@code heliosdb args...} as a process to start; the caller chooses the redirects. */
  static ProcessBuilder heliosdb(String... args) {
    return heliosdb(List.of(), args);
  }

  /**
   * {@code java jvmOptions... heliosdb args...}, the JVM options first as the launcher puts them;
   * the caller chooses the redirects.
   */
  static ProcessBuilder heliosdb(List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }
}
