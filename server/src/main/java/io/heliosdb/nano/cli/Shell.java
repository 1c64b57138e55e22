package io.heliosdb.nano.cli;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.session.SqlSplitter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * Reads statements line by line from standard input until each is complete (a trigger's inner
 * semicolons do not end it). On a terminal it prompts, goes on after errors and takes a few
 * backslash commands; otherwise it is a script that stops at the first error.
 */
final class Shell {
  private final StatementRunner runner;
  private final BufferedReader in;
  private final PrintWriter out;
  private final HeliosConnection conn;
  private final boolean interactive;

  Shell(
      StatementRunner runner,
      BufferedReader in,
      PrintWriter out,
      HeliosConnection conn,
      boolean interactive) {
    this.runner = runner;
    this.in = in;
    this.out = out;
    this.conn = conn;
    this.interactive = interactive;
  }

  /** Runs until end of input or {@code \q}; returns the exit status. */
  int run() throws IOException {
    if (interactive) {
      out.println("heliosdb (" + describeDatabase() + "). Type \\? for help, \\q to quit.");
    }
    StringBuilder buffer = new StringBuilder();
    while (true) {
      prompt(buffer.length() == 0 ? SqlCommand.PROMPT : SqlCommand.CONTINUATION_PROMPT);
      String line = in.readLine();
      if (line == null) {
        break;
      }
      if (buffer.length() == 0 && line.strip().startsWith("\\")) {
        if (!backslash(line.strip())) {
          return 0;
        }
        continue;
      }
      buffer.append(line).append('\n');
      if (SqlSplitter.isComplete(buffer.toString())) {
        boolean ok = SqlCommand.runAll(runner, SqlSplitter.split(buffer.toString()));
        buffer.setLength(0);
        if (!ok && !interactive) {
          return Main.EXIT_SQL_ERROR;
        }
      }
    }
    // Like psql: a last statement without its semicolon still runs at end of input.
    if (!SqlSplitter.split(buffer.toString()).isEmpty()
        && !SqlCommand.runAll(runner, SqlSplitter.split(buffer.toString()))
        && !interactive) {
      return Main.EXIT_SQL_ERROR;
    }
    if (interactive) {
      out.println();
    }
    return 0;
  }

  private void prompt(String prompt) {
    if (interactive) {
      // Notifications that arrived while the user was typing, before the next prompt.
      runner.printNotifications();
      out.print(prompt);
      out.flush();
    }
  }

  /** Handles a backslash command; returns false to quit. */
  private boolean backslash(String command) {
    String name = command.split("\\s+", 2)[0];
    switch (name) {
      case "\\q" -> {
        return false;
      }
      case "\\dt" ->
          runner.run(
              "SELECT name AS \"Name\", type AS \"Type\" FROM sqlite_schema"
                  + " WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name");
      case "\\listen" -> runner.run("SELECT pg_listening_channels()");
      case "\\?" -> {
        out.println("  \\dt         list tables and views");
        out.println("  \\listen     list the channels this session listens to");
        out.println("  \\q          quit");
        out.println("  SQL ending in ';' runs; after LISTEN, notifications print at each prompt.");
      }
      default -> out.println("invalid command " + name + "; try \\? for help.");
    }
    out.flush();
    return true;
  }

  private String describeDatabase() {
    try {
      String url = conn.getMetaData().getURL();
      return url == null ? "in memory" : url;
    } catch (java.sql.SQLException e) {
      return "open";
    }
  }
}
