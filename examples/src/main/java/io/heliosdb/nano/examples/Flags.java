package io.heliosdb.nano.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The {@code --name value} flags of an example's main, checked against the names it takes. */
final class Flags {
  private final Map<String, String> values = new HashMap<>();

  /**
   * @throws IllegalArgumentException for a flag not in {@code known} or one without a value
   */
  Flags(String[] args, Set<String> known) {
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown flag " + name + " (flags: " + known + ")");
      }
      if (i + 1 == args.length) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      values.put(name, args[++i]);
    }
  }

  String get(String name, String otherwise) {
    return values.getOrDefault(name, otherwise);
  }

  int integer(String name, int otherwise) {
    String v = values.get(name);
    try {
      return v == null ? otherwise : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, not " + v, e);
    }
  }

  double number(String name, double otherwise) {
    String v = values.get(name);
    try {
      return v == null ? otherwise : Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, not " + v, e);
    }
  }

  /**
   * The directory of {@code name}, else the first of {@code candidates} that exists (relative to
   * the working directory: the repository root for examples/run, the module for its tests).
   */
  Path directory(String name, String... candidates) {
    String given = values.get(name);
    if (given != null) {
      Path dir = Path.of(given);
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException(name + " " + given + " is not a directory");
      }
      return dir.toAbsolutePath();
    }
    for (String c : candidates) {
      if (Files.isDirectory(Path.of(c))) {
        return Path.of(c).toAbsolutePath();
      }
    }
    throw new IllegalArgumentException(
        "cannot find the web pages (looked for "
            + String.join(", ", candidates)
            + "): give "
            + name);
  }
}
