package io.heliosdb.nano.cli;

import io.heliosdb.nano.wire.auth.Scram;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code heliosdb passwd USER}: reads a password (the first line of standard input, or without echo
 * from the terminal) and prints the [server.users] line with its SCRAM-SHA-256 verifier.
 */
@Command(
    name = "passwd",
    mixinStandardHelpOptions = true,
    description = {
      "Print a [server.users] line for heliosdb.toml: USER = \"SCRAM-SHA-256$4096:...\".",
      "The password is the first line of standard input (asked without echo on a terminal);"
          + " only its SCRAM-SHA-256 verifier is printed, never the password."
    })
final class PasswdCommand implements Callable<Integer> {

  @Parameters(paramLabel = "USER", description = "The user name clients connect with.")
  String user;

  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    if (user.isEmpty()) {
      err.println("heliosdb: the user name must not be empty");
      return Main.EXIT_USAGE;
    }
    String password = readPassword();
    if (password == null || password.isEmpty()) {
      err.println("heliosdb: no password given on standard input");
      return Main.EXIT_USAGE;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(tomlKey(user) + " = \"" + Scram.verifier(password).text() + "\"");
    out.flush();
    return 0;
  }

  private String readPassword() throws IOException {
    Console console = main.stdinIsTerminal ? System.console() : null;
    if (console != null) {
      char[] p = console.readPassword("Password for %s: ", user);
      return p == null ? null : new String(p);
    }
    BufferedReader r = new BufferedReader(new InputStreamReader(main.in, StandardCharsets.UTF_8));
    return r.readLine();
  }

  /** A bare TOML key when the name allows it, else a quoted one. */
  static String tomlKey(String name) {
    if (name.matches("[A-Za-z0-9_-]+")) {
      return name;
    }
    StringBuilder b = new StringBuilder("\"");
    for (char c : name.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7F) {
        b.append(String.format("\\u%04X", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
