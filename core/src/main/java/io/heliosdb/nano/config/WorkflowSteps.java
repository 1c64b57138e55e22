package io.heliosdb.nano.config;

import io.heliosdb.nano.config.ConsumerSettings.StartAt;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import org.tomlj.TomlTable;

/**
 * Reads {@code [workflow.steps.NAME]} tables: {@code trigger_channel}, {@code action} and {@code
 * next_channel}, and the step's consumer settings ({@code retry_max_attempts}, {@code
 * retry_backoff}, {@code retry_backoff_max}, {@code dead_letter_channel}, {@code workers}, {@code
 * batch_size}, {@code lease}, {@code start_at}), each defaulting to {@link
 * ConsumerSettings#DEFAULTS}.
 */
final class WorkflowSteps {
  /** Setter of one consumer key: the settings so far, the value read, the result. */
  private interface Setting extends BiFunction<ConsumerSettings, Object, ConsumerSettings> {}

  private static final Map<String, Setting> SETTINGS = new LinkedHashMap<>();

  static {
    SETTINGS.put("retry_max_attempts", (c, v) -> c.withRetry(toInt(v), c.retryBackoff()));
    SETTINGS.put("retry_backoff", (c, v) -> c.withRetry(c.retryMaxAttempts(), duration(v)));
    SETTINGS.put("retry_backoff_max", (c, v) -> c.withRetryBackoffMax(duration(v)));
    SETTINGS.put("dead_letter_channel", (c, v) -> c.withDeadLetterChannel(text(v)));
    SETTINGS.put("workers", (c, v) -> c.withWorkers(toInt(v)));
    SETTINGS.put("batch_size", (c, v) -> c.withBatchSize(toInt(v)));
    SETTINGS.put("lease", (c, v) -> c.withLease(duration(v)));
    SETTINGS.put("start_at", (c, v) -> c.withStartAt(startAt(v)));
  }

  private static final java.util.List<String> STEP_KEYS =
      java.util.List.of("trigger_channel", "action", "next_channel");

  private WorkflowSteps() {}

  /** The key {@code steps} of [workflow]: one table per step. */
  static void read(HeliosConfig.Builder b, TomlTable workflow, String key, String where) {
    if (!workflow.isTable(key)) {
      throw new ConfigException(where + ": workflow.steps must be tables, [workflow.steps.NAME]");
    }
    TomlTable steps = workflow.getTable(key);
    String file = where.substring(0, where.lastIndexOf(':'));
    for (String name : steps.keySet()) {
      String stepWhere = file + ":" + TomlConfigLoader.line(steps.inputPositionOf(name));
      if (!steps.isTable(name)) {
        throw new ConfigException(
            stepWhere
                + ": workflow.steps."
                + name
                + " must be a table, [workflow.steps."
                + name
                + "]");
      }
      TomlTable t = steps.getTable(name);
      b.workflowStep(
          step(name, t, file, stepWhere),
          file + ":" + TomlConfigLoader.line(t.inputPositionOf("action")));
    }
  }

  private static WorkflowStep step(String name, TomlTable t, String file, String stepWhere) {
    String prefix = "workflow.steps." + name + ".";
    for (String k : t.keySet()) {
      String w = file + ":" + TomlConfigLoader.line(t.inputPositionOf(k));
      if (!SETTINGS.containsKey(k) && !STEP_KEYS.contains(k)) {
        java.util.Set<String> known = new java.util.LinkedHashSet<>(STEP_KEYS);
        known.addAll(SETTINGS.keySet());
        throw new ConfigException(
            w
                + ": unknown key "
                + prefix
                + k
                + DidYouMean.suggest(k, known)
                + " (keys of a step: "
                + String.join(", ", known)
                + ")");
      }
      if (STEP_KEYS.contains(k) && !t.isString(k)) {
        throw new ConfigException(w + ": " + prefix + k + " must be a string");
      }
    }
    // In a fixed order, not the file's: retry_backoff before retry_backoff_max, which must not be
    // shorter, whichever of the two the file writes first.
    ConsumerSettings settings = ConsumerSettings.DEFAULTS;
    for (Map.Entry<String, Setting> e : SETTINGS.entrySet()) {
      String k = e.getKey();
      if (!t.contains(k)) {
        continue;
      }
      String w = file + ":" + TomlConfigLoader.line(t.inputPositionOf(k));
      try {
        if (k.equals("retry_backoff_max")) {
          checkBackoffMax(duration(t.get(k)), settings, t.contains("retry_backoff"));
        }
        settings = e.getValue().apply(settings, t.get(k));
      } catch (ConfigException x) {
        String m = x.getMessage();
        // ConsumerSettings names its own keys "consumer.dead_letter_channel" and the like.
        throw new ConfigException(
            w + ": " + prefix + (m.startsWith("consumer.") ? m.substring(9) : m));
      } catch (IllegalArgumentException x) {
        throw new ConfigException(w + ": " + prefix + k + " " + x.getMessage());
      }
    }
    try {
      return new WorkflowStep(
          name,
          t.getString("trigger_channel"),
          t.getString("action"),
          t.getString("next_channel"),
          settings);
    } catch (ConfigException e) {
      String key = missingOrBadKey(e.getMessage(), prefix);
      String w =
          key != null && t.contains(key)
              ? file + ":" + TomlConfigLoader.line(t.inputPositionOf(key))
              : stepWhere;
      throw new ConfigException(w + ": " + e.getMessage());
    }
  }

  private static void checkBackoffMax(
      java.time.Duration max, ConsumerSettings settings, boolean backoffSet) {
    if (max.compareTo(settings.retryBackoff()) < 0) {
      throw new ConfigException(
          "retry_backoff_max = "
              + Durations.format(max)
              + " is shorter than retry_backoff = "
              + Durations.format(settings.retryBackoff())
              + (backoffSet ? "" : " (the default)")
              + ": the longest wait between attempts cannot be less than the first");
    }
  }

  /** The step key a step's validation message is about, e.g. "action"; null when none. */
  private static String missingOrBadKey(String message, String prefix) {
    if (!message.startsWith(prefix)) {
      return null;
    }
    String rest = message.substring(prefix.length());
    int end = 0;
    while (end < rest.length()
        && (Character.isLetter(rest.charAt(end)) || rest.charAt(end) == '_')) {
      end++;
    }
    return rest.substring(0, end);
  }

  private static int toInt(Object v) {
    if (!(v instanceof Long n) || n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("must be an integer");
    }
    return n.intValue();
  }

  private static String text(Object v) {
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException("must be a string");
    }
    return s;
  }

  private static java.time.Duration duration(Object v) {
    java.time.Duration d = Durations.parse(text(v));
    if (d == null) {
      throw new IllegalArgumentException(
          "= \"" + v + "\" is not a duration: use e.g. " + Durations.EXAMPLES);
    }
    return d;
  }

  private static StartAt startAt(Object v) {
    String s = text(v);
    try {
      return StartAt.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("= \"" + s + "\" must be \"beginning\" or \"end\"");
    }
  }
}
