package io.heliosdb.nano.cli;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.session.SqlSplitter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code heliosdb sql}: runs SQL from {@code -c}, a file or standard input. Scripts stop at the
 * first error (exit 1), as {@code psql -v ON_ERROR_STOP=1}; the interactive shell goes on.
 */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Run SQL on a database and print the results as psql does.",
      "Without -c or -f, reads statements from standard input (a shell on a terminal)."
    })
final class SqlCommand implements Callable<Integer> {
  static final String PROMPT = "heliosdb=> ";
  static final String CONTINUATION_PROMPT = "heliosdb-> ";

  @Mixin DatabaseOptions database;

  @ArgGroup(exclusive = true)
  Source source;

  static final class Source {
    @Option(
        names = {"-c", "--command"},
        paramLabel = "SQL",
        description = "SQL to run (one or more statements separated by ';').")
    String command;

    @Option(
        names = {"-f", "--file"},
        paramLabel = "FILE",
        description = "File of SQL statements to run.")
    Path file;
  }

  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String script = null;
    if (source != null) {
      script = source.command != null ? source.command : Files.readString(source.file);
    }
    HeliosDB opened = database.open(err);
    if (opened == null) {
      return Main.EXIT_USAGE;
    }
    try (HeliosDB db = opened;
        HeliosConnection conn = db.connection()) {
      StatementRunner runner = new StatementRunner(conn, out, err);
      if (script != null) {
        return runAll(runner, SqlSplitter.split(script)) ? 0 : Main.EXIT_SQL_ERROR;
      }
      BufferedReader in =
          new BufferedReader(new InputStreamReader(main.in, StandardCharsets.UTF_8));
      return new Shell(runner, in, out, conn, main.stdinIsTerminal).run();
    } catch (java.sql.SQLException e) {
      err.println("heliosdb: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
  }

  static boolean runAll(StatementRunner runner, List<String> statements) {
    for (String sql : statements) {
      if (!runner.run(sql)) {
        return false;
      }
    }
    return true;
  }
}
