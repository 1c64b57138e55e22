package io.heliosdb.nano.cli;

import io.heliosdb.nano.HeliosException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code heliosdb} command: subcommands for each job. */
@Command(
    name = "heliosdb",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "HeliosDB Nano: an embedded SQL database with PostgreSQL's LISTEN/NOTIFY.",
    subcommands = {
      SqlCommand.class,
      ServeCommand.class,
      ListenCommand.class,
      PasswdCommand.class,
      TokenCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {
  /** Exit status for a statement that failed (as {@code psql -v ON_ERROR_STOP=1} gives 3). */
  static final int EXIT_SQL_ERROR = 1;

  /** Exit status for bad arguments, configuration or an unreadable file (picocli's usage code). */
  static final int EXIT_USAGE = 2;

  final InputStream in;
  final boolean stdinIsTerminal;

  /** Completing it stops {@code heliosdb serve} (the shutdown hook does, and tests). */
  final CompletableFuture<Void> stopRequest;

  Main(InputStream in, boolean stdinIsTerminal, CompletableFuture<Void> stopRequest) {
    this.in = in;
    this.stdinIsTerminal = stdinIsTerminal;
    this.stopRequest = stopRequest;
  }

  public static void main(String[] args) {
    // System.console() is non-null only when both stdin and stdout are a terminal (Java 17).
    boolean terminal = System.console() != null;
    System.exit(run(System.in, terminal, System.out, System.err, args));
  }

  /** Runs {@code heliosdb args} on the given streams and returns the exit status. */
  static int run(
      InputStream in, boolean terminal, PrintStream out, PrintStream err, String... args) {
    return run(in, terminal, out, err, new CompletableFuture<>(), args);
  }

  /**
   * As {@link #run(InputStream, boolean, PrintStream, PrintStream, String...)}; completing {@code
   * stopRequest} stops a running {@code heliosdb serve}.
   */
  static int run(
      InputStream in,
      boolean terminal,
      PrintStream out,
      PrintStream err,
      CompletableFuture<Void> stopRequest,
      String... args) {
    CommandLine cli = new CommandLine(new Main(in, terminal, stopRequest));
    cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cli.setExecutionExceptionHandler(
        (e, commandLine, parsed) -> {
          commandLine.getErr().println("heliosdb: " + oneLine(e));
          return EXIT_USAGE;
        });
    return cli.execute(args);
  }

  /** A failure as one line, without a stack trace. */
  static String oneLine(Exception e) {
    if (e instanceof NoSuchFileException f) {
      return f.getFile() + ": no such file";
    }
    if (e instanceof AccessDeniedException f) {
      return f.getFile() + ": permission denied";
    }
    if (e instanceof CharacterCodingException) {
      return "input is not valid UTF-8";
    }
    if (e instanceof HeliosException h) {
      return h.getMessage() + " (SQLSTATE " + h.sqlState() + ")";
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"heliosdb " + (v == null ? "(development build)" : v)};
    }
  }
}
