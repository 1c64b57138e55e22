package io.heliosdb.nano.config;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A set of channel names and globs ({@code *} any run of characters, {@code ?} one character), e.g.
 * the durable channels {@code ["orders", "audit.*"]}. Answers are cached per channel name.
 */
public final class ChannelPatterns {
  private static final int MAX_CACHED = 10_000;

  private final List<String> patterns;
  private final Pattern regex;
  private final ConcurrentHashMap<String, Boolean> cache = new ConcurrentHashMap<>();

  /** Every channel. */
  public static final ChannelPatterns ALL = new ChannelPatterns(List.of("*"));

  ChannelPatterns(List<String> patterns) {
    this.patterns = List.copyOf(patterns);
    this.regex = patterns.isEmpty() ? null : Pattern.compile(toRegex(patterns));
  }

  /** Names and globs, e.g. an allowlist {@code ["orders", "user_feed_*"]}; none matches nothing. */
  public static ChannelPatterns of(List<String> patterns) {
    return new ChannelPatterns(patterns);
  }

  /** Fails with the offending entry when a pattern is empty or null. */
  static void validate(List<String> patterns) {
    for (String p : patterns) {
      if (p == null || p.isEmpty()) {
        throw new ConfigException("durable_channels: a channel pattern must not be empty");
      }
    }
  }

  public boolean isEmpty() {
    return regex == null;
  }

  /** Whether {@code channel} matches one of the patterns. */
  public boolean matches(String channel) {
    if (regex == null) {
      return false;
    }
    Boolean known = cache.get(channel);
    if (known != null) {
      return known;
    }
    boolean m = regex.matcher(channel).matches();
    if (cache.size() < MAX_CACHED) {
      cache.put(channel, m);
    }
    return m;
  }

  public List<String> patterns() {
    return patterns;
  }

  private static String toRegex(List<String> patterns) {
    StringBuilder re = new StringBuilder();
    for (String p : patterns) {
      if (re.length() > 0) {
        re.append('|');
      }
      StringBuilder literal = new StringBuilder();
      for (char c : p.toCharArray()) {
        if (c == '*' || c == '?') {
          re.append(Pattern.quote(literal.toString())).append(c == '*' ? ".*" : ".");
          literal.setLength(0);
        } else {
          literal.append(c);
        }
      }
      re.append(Pattern.quote(literal.toString()));
    }
    return "(?:" + re + ")";
  }

  @Override
  public String toString() {
    return patterns.toString();
  }
}
