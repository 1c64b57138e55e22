package io.heliosdb.nano.config;

import java.util.Locale;

/**
 * The "did you mean" of configuration errors: the closest known name within a small edit distance.
 * Public for the server module, which validates its own sections of heliosdb.toml.
 */
public final class DidYouMean {
  private DidYouMean() {}

  /** ", did you mean X?" for the closest known name, or "" when none is close. */
  public static String suggest(String given, Iterable<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(given.toLowerCase(Locale.ROOT), k);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return best != null && bestDistance <= Math.max(2, given.length() / 3)
        ? ", did you mean " + best + "?"
        : "";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      int[] cur = new int[b.length() + 1];
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      prev = cur;
    }
    return prev[b.length()];
  }
}
