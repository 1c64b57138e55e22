package io.heliosdb.nano.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code heliosdb token NAME}: makes a random bearer token for the HTTP port and prints the
 * [http.tokens] line with its SHA-256 on standard output, the token itself on standard error (so
 * that {@code >> heliosdb.toml} keeps it out of the file).
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
      "Make a bearer token for the HTTP port: prints the [http.tokens] line for heliosdb.toml"
          + " (only the token's SHA-256) on standard output, the token on standard error.",
      "Give the token to the client (Authorization: Bearer TOKEN); it is stored nowhere."
    })
final class TokenCommand implements Callable<Integer> {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Parameters(paramLabel = "NAME", description = "The token's name in [http.tokens].")
  String name;

  @Option(
      names = "--subscribe",
      paramLabel = "PATTERN",
      description = "A channel (or glob: * any characters, ? one) it may follow; repeatable.")
  List<String> subscribe = new ArrayList<>();

  @Option(
      names = "--publish",
      paramLabel = "PATTERN",
      description = "A channel (or glob) it may publish on; repeatable.")
  List<String> publish = new ArrayList<>();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws NoSuchAlgorithmException {
    PrintWriter err = spec.commandLine().getErr();
    if (name.isEmpty() || subscribe.contains("") || publish.contains("")) {
      err.println("heliosdb: the name and channel patterns must not be empty");
      return Main.EXIT_USAGE;
    }
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    byte[] hash =
        MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        PasswdCommand.tomlKey(name)
            + " = { token_sha256 = \""
            + HexFormat.of().formatHex(hash)
            + "\", subscribe = "
            + list(subscribe)
            + ", publish = "
            + list(publish)
            + " }");
    out.flush();
    err.println("heliosdb: token for " + name + " (shown once, stored nowhere): " + token);
    err.flush();
    return 0;
  }

  /** A TOML array of basic strings. */
  private static String list(List<String> values) {
    List<String> quoted = new ArrayList<>();
    for (String v : values) {
      String key = PasswdCommand.tomlKey(v);
      quoted.add(key.startsWith("\"") ? key : "\"" + key + "\"");
    }
    return "[" + String.join(", ", quoted) + "]";
  }
}
