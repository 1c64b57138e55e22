package io.heliosdb.nano.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliosdb.nano.config.ConsumerSettings.StartAt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code [workflow]} in heliosdb.toml: the product brief's file loads unchanged, every step key is
 * read, and each mistake is one message with the file, the line and the key.
 */
class WorkflowConfigTest {
  /** The workflow file of the product brief (issue 12), unchanged; the example serves it. */
  static final Path BRIEF_FILE = Path.of("..", "examples", "order-workflow", "workflow.toml");

  @TempDir Path dir;

  private Path write(String toml) throws IOException {
    return Files.writeString(dir.resolve("heliosdb.toml"), toml);
  }

  private static final String STEP = "[workflow.steps.pay]\ntrigger_channel = \"orders\"\n";

  @Test
  void theWorkflowFileOfTheBriefLoadsUnchanged() throws IOException {
    assertThat(Files.readString(BRIEF_FILE))
        .startsWith("[database]\npath = \"/data/workflow.db\"\n")
        .contains("[workflow]\n# Workflow step definitions\n[workflow.steps.payment_processing]");
    HeliosConfig c = HeliosConfig.load(BRIEF_FILE);
    assertThat(c.workflowSteps())
        .containsExactly(
            WorkflowStep.of(
                "payment_processing", "order_created", "process_payment", "payment_completed"),
            WorkflowStep.of(
                "inventory_allocation",
                "payment_completed",
                "allocate_inventory",
                "inventory_allocated"),
            WorkflowStep.of(
                "shipping", "inventory_allocated", "create_shipment", "shipment_created"));
    assertThat(c.memoryLimitMb()).isEqualTo(256);
    assertThat(c.maxChannels()).isEqualTo(100);
    // The steps' channels are durable without being listed in durable_channels; no other is.
    for (String channel :
        List.of(
            "order_created",
            "payment_completed",
            "inventory_allocated",
            "shipment_created",
            "payment_processing_dead_letter",
            "inventory_allocation_dead_letter",
            "shipping_dead_letter")) {
      assertThat(c.durableChannels().matches(channel)).as(channel).isTrue();
    }
    assertThat(c.durableChannels().matches("orders")).isFalse();
    assertThat(c.workflowActionSource("payment_processing")).isEqualTo(BRIEF_FILE + ":14");
  }

  @Test
  void everyStepKeyIsRead() throws IOException {
    HeliosConfig c =
        HeliosConfig.load(
            write(
                """
                [workflow.steps.pay]
                trigger_channel = "orders"
                action = "charge"
                next_channel = "paid"
                retry_max_attempts = 7
                retry_backoff = "250ms"
                retry_backoff_max = "1m"
                dead_letter_channel = "unpaid"
                workers = 4
                batch_size = 25
                lease = "2m"
                start_at = "end"
                """));
    WorkflowStep step = c.workflowSteps().get(0);
    assertThat(step.name()).isEqualTo("pay");
    assertThat(step.triggerChannel()).isEqualTo("orders");
    assertThat(step.action()).isEqualTo("charge");
    assertThat(step.nextChannel()).isEqualTo("paid");
    assertThat(step.deadLetterChannel()).isEqualTo("unpaid");
    assertThat(step.consumer())
        .isEqualTo(
            new ConsumerSettings(
                4,
                25,
                Duration.ofMinutes(2),
                7,
                Duration.ofMillis(250),
                Duration.ofMinutes(1),
                "unpaid",
                StartAt.END));
    assertThat(c.durableChannels().matches("unpaid")).isTrue();
    assertThat(c.durableChannels().matches("pay_dead_letter")).isFalse();
  }

  @Test
  void aStepWithoutOptionalKeysHasTheDefaults() throws IOException {
    WorkflowStep step =
        HeliosConfig.load(write(STEP + "action = \"charge\"\n")).workflowSteps().get(0);
    assertThat(step.nextChannel()).isNull();
    assertThat(step.consumer()).isEqualTo(ConsumerSettings.DEFAULTS);
    assertThat(step.deadLetterChannel()).isEqualTo("pay_dead_letter");
  }

  @Test
  void retryBackoffMaxMayBeWrittenBeforeRetryBackoff() throws IOException {
    ConsumerSettings s =
        HeliosConfig.load(
                write(
                    STEP
                        + "action = \"a\"\nretry_backoff_max = \"500ms\"\n"
                        + "retry_backoff = \"100ms\"\n"))
            .workflowSteps()
            .get(0)
            .consumer();
    assertThat(s.retryBackoff()).isEqualTo(Duration.ofMillis(100));
    assertThat(s.retryBackoffMax()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void aRetryBackoffLongerThanTheDefaultMaximumIsAlsoTheMaximum() throws IOException {
    ConsumerSettings s =
        HeliosConfig.load(write(STEP + "action = \"a\"\nretry_backoff = \"10m\"\n"))
            .workflowSteps()
            .get(0)
            .consumer();
    assertThat(s.retryBackoffMax()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void aStepWithoutTriggerChannelNamesTheFileTheLineAndTheKey() throws IOException {
    Path f = write("[workflow]\n[workflow.steps.pay]\naction = \"charge\"\n");
    assertThatThrownBy(() -> HeliosConfig.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            f
                + ":2: workflow.steps.pay.trigger_channel is missing: every step names the channel"
                + " it consumes");
  }

  @Test
  void aStepWithoutActionNamesTheKey() throws IOException {
    Path f = write(STEP);
    assertThatThrownBy(() -> HeliosConfig.load(f))
        .hasMessageStartingWith(f + ":1: workflow.steps.pay.action is missing");
    Path empty = write(STEP + "action = \"\"\n");
    assertThatThrownBy(() -> HeliosConfig.load(empty))
        .hasMessageStartingWith(empty + ":3: workflow.steps.pay.action must not be empty");
  }

  @Test
  void anUnknownStepKeySuggestsTheRightOneAndListsTheKeys() throws IOException {
    Path f = write(STEP + "action = \"a\"\nretry_max_attemps = 3\n");
    assertThatThrownBy(() -> HeliosConfig.load(f))
        .hasMessageStartingWith(
            f
                + ":4: unknown key workflow.steps.pay.retry_max_attemps, did you mean"
                + " retry_max_attempts?")
        .hasMessageContaining(
            "(keys of a step: trigger_channel, action, next_channel, retry_max_attempts,"
                + " retry_backoff, retry_backoff_max, dead_letter_channel, workers, batch_size,"
                + " lease, start_at)");
    Path section = write("[workflow]\nstep = 1\n");
    assertThatThrownBy(() -> HeliosConfig.load(section))
        .hasMessageStartingWith(section + ":2: unknown key workflow.step, did you mean steps?");
  }

  @Test
  void aBadDurationNamesTheKeyAndShowsTheForm() throws IOException {
    for (String key : List.of("retry_backoff", "retry_backoff_max", "lease")) {
      Path f = write(STEP + "action = \"a\"\n" + key + " = \"5 seconds\"\n");
      assertThatThrownBy(() -> HeliosConfig.load(f))
          .as(key)
          .hasMessage(
              f
                  + ":4: workflow.steps.pay."
                  + key
                  + " = \"5 seconds\" is not a duration: use e.g. "
                  + Durations.EXAMPLES);
    }
  }

  @Test
  void aWrongTypeNamesTheKeyAndTheTypeExpected() throws IOException {
    String[][] cases = {
      {"workers = \"2\"", "workers must be an integer"},
      {"batch_size = 2.5", "batch_size must be an integer"},
      {"retry_max_attempts = true", "retry_max_attempts must be an integer"},
      {"retry_backoff = 5", "retry_backoff must be a string"},
      {"lease = 30", "lease must be a string"},
      {"dead_letter_channel = 1", "dead_letter_channel must be a string"},
      {"start_at = 0", "start_at must be a string"},
      {"next_channel = [\"a\"]", "next_channel must be a string"},
    };
    for (String[] c : cases) {
      Path f = write(STEP + "action = \"a\"\n" + c[0] + "\n");
      assertThatThrownBy(() -> HeliosConfig.load(f))
          .as(c[0])
          .hasMessage(f + ":4: workflow.steps.pay." + c[1]);
    }
    Path trigger = write("[workflow.steps.pay]\ntrigger_channel = 5\naction = \"a\"\n");
    assertThatThrownBy(() -> HeliosConfig.load(trigger))
        .hasMessage(trigger + ":2: workflow.steps.pay.trigger_channel must be a string");
  }

  @Test
  void aValueOutOfRangeNamesTheKeyAndTheRange() throws IOException {
    String[][] cases = {
      {"workers = 0", "workers = 0 is out of range: must be from 1 to 256"},
      {"batch_size = 1001", "batch_size = 1001 is out of range: must be from 1 to 1000"},
      {"retry_max_attempts = 0", "retry_max_attempts = 0 is out of range: must be from 1 to 1000"},
      {"lease = \"50ms\"", "lease = 50ms is too short: at least 100ms"},
      {"start_at = \"middle\"", "start_at = \"middle\" must be \"beginning\" or \"end\""},
      {
        "retry_backoff_max = \"500ms\"",
        "retry_backoff_max = 500ms is shorter than retry_backoff = 1s (the default)"
      },
      {"trigger_channel = \"order*\"", "trigger_channel = \"order*\" must be a channel name"},
      {"dead_letter_channel = \"\"", "dead_letter_channel must not be empty"},
      {"next_channel = \"" + "n".repeat(64) + "\"", "is longer than a channel name may be (63 B)"},
    };
    for (String[] c : cases) {
      String trigger = c[0].startsWith("trigger_channel") ? "" : "trigger_channel = \"orders\"\n";
      Path f = write("[workflow.steps.pay]\naction = \"a\"\n" + trigger + c[0] + "\n");
      int line = trigger.isEmpty() ? 3 : 4;
      assertThatThrownBy(() -> HeliosConfig.load(f))
          .as(c[0])
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith(f + ":" + line + ": workflow.steps.pay.")
          .hasMessageContaining(c[1]);
    }
  }

  @Test
  void aStepDefinedTwiceIsRefusedWithTheLineOfTheSecond() throws IOException {
    Path f = write(STEP + "action = \"a\"\n" + STEP + "action = \"b\"\n");
    assertThatThrownBy(() -> HeliosConfig.load(f))
        .hasMessageStartingWith(f + ":4: ")
        .hasMessageContaining("workflow.steps.pay previously defined at line 1");
    assertThatThrownBy(
            () ->
                HeliosConfig.builder()
                    .workflowStep(WorkflowStep.of("pay", "orders", "a", null))
                    .workflowStep(WorkflowStep.of("pay", "orders", "b", null))
                    .build())
        .hasMessage("workflow.steps.pay is defined twice: a step name is a consumer name");
  }

  @Test
  void stepsMustBeTables() throws IOException {
    Path f = write("[workflow]\nsteps = 1\n");
    assertThatThrownBy(() -> HeliosConfig.load(f))
        .hasMessage(f + ":2: workflow.steps must be tables, [workflow.steps.NAME]");
    Path g = write("[workflow.steps]\npay = \"orders\"\n");
    assertThatThrownBy(() -> HeliosConfig.load(g))
        .hasMessage(g + ":2: workflow.steps.pay must be a table, [workflow.steps.pay]");
  }
}
