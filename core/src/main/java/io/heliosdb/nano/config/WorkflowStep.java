package io.heliosdb.nano.config;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One step of {@code [workflow.steps.NAME]}: a durable consumer named after the step, listening on
 * {@code triggerChannel}, whose handler is the application's action called {@code action}; what the
 * action returns is sent on {@code nextChannel} (when there is one) in the same transaction.
 *
 * @param name the step's name, also its consumer's name
 * @param triggerChannel the channel the step consumes
 * @param action the name under which the application registers the step's handler
 * @param nextChannel where the action's result is sent; null for none
 * @param consumer how the step's consumer claims, retries and dead-letters
 */
public record WorkflowStep(
    String name,
    String triggerChannel,
    String action,
    String nextChannel,
    ConsumerSettings consumer) {

  public WorkflowStep {
    Objects.requireNonNull(consumer, "consumer");
    String where = "workflow.steps." + name;
    if (name == null || name.isEmpty()) {
      throw new ConfigException("workflow.steps: a step needs a name");
    }
    requireChannel(where, "trigger_channel", triggerChannel);
    if (action == null) {
      throw new ConfigException(
          where + ".action is missing: name the handler the application registers for the step");
    }
    if (action.isBlank()) {
      throw new ConfigException(
          where + ".action must not be empty: name the handler the application registers for it");
    }
    if (nextChannel != null) {
      checkChannel(where, "next_channel", nextChannel);
    }
    checkChannel(where, "dead_letter_channel", consumer.deadLetterChannel(name));
  }

  private static void requireChannel(String where, String key, String channel) {
    if (channel == null) {
      throw new ConfigException(
          where + "." + key + " is missing: every step names the channel it consumes");
    }
    checkChannel(where, key, channel);
  }

  static void checkChannel(String where, String key, String channel) {
    if (channel.isEmpty()) {
      throw new ConfigException(where + "." + key + " must not be empty");
    }
    if (channel.getBytes(StandardCharsets.UTF_8).length > 63) {
      throw new ConfigException(
          where + "." + key + " = \"" + channel + "\" is longer than a channel name may be (63 B)");
    }
    if (channel.contains("*") || channel.contains("?")) {
      throw new ConfigException(
          where + "." + key + " = \"" + channel + "\" must be a channel name, not a pattern");
    }
  }

  /** A step with the default consumer settings ({@link ConsumerSettings#DEFAULTS}). */
  public static WorkflowStep of(String name, String trigger, String action, String next) {
    return new WorkflowStep(name, trigger, action, next, ConsumerSettings.DEFAULTS);
  }

  /** The same step with other consumer settings. */
  public WorkflowStep withConsumer(ConsumerSettings settings) {
    return new WorkflowStep(name, triggerChannel, action, nextChannel, settings);
  }

  /** The step's dead-letter channel: its own setting, else {@code <name>_dead_letter}. */
  public String deadLetterChannel() {
    return consumer.deadLetterChannel(name);
  }
}
