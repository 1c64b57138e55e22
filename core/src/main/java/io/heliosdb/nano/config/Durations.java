package io.heliosdb.nano.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as heliosdb.toml writes them: a whole number and a unit, {@code "500ms"}, {@code
 * "90s"}, {@code "30m"} (or {@code "30min"}, PostgreSQL's spelling), {@code "12h"}, {@code "7d"};
 * {@code "0"} alone needs no unit. Every key that takes a duration reads it here.
 */
public final class Durations {
  private static final Pattern DURATION =
      Pattern.compile("\\s*(\\d{1,9})\\s*(ms|s|min|m|h|d)?\\s*");

  /** What a duration looks like, for error messages. */
  public static final String EXAMPLES = "\"500ms\", \"90s\", \"30m\", \"12h\", \"7d\"";

  private Durations() {}

  /** The duration {@code text} stands for, or null when it is not one (a unit is needed but 0). */
  public static Duration parse(String text) {
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      return null;
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2);
    if (unit == null) {
      return n == 0 ? Duration.ZERO : null;
    }
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m", "min" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  /** The shortest way to write {@code d} in the largest unit that divides it: 0, 500ms, 90s, 2m. */
  public static String format(Duration d) {
    return format(d, "m");
  }

  /**
   * As {@link #format(Duration)}, with minutes written {@code minuteUnit} ({@code "min"} is how
   * PostgreSQL's SHOW writes them).
   */
  public static String format(Duration d, String minuteUnit) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0";
    }
    long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L};
    String[] units = {"d", "h", minuteUnit, "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (ms % sizes[i] == 0) {
        return ms / sizes[i] + units[i];
      }
    }
    return ms + "ms";
  }
}
