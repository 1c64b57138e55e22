package io.heliosdb.nano;

import io.heliosdb.nano.config.ConfigException;
import io.heliosdb.nano.config.WorkflowStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The steps of {@code [workflow]} running: one {@link DurableConsumer} per step, named after it,
 * whose handler is the action the application registered under the step's {@code action}; what the
 * action returns is sent on the step's {@code next_channel} in the same transaction as its work and
 * the acknowledgement. Started with {@link HeliosDB#startWorkflow}; closing it stops every step.
 */
public final class Workflow implements AutoCloseable {
  private final List<DurableConsumer> steps;

  private Workflow(List<DurableConsumer> steps) {
    this.steps = List.copyOf(steps);
  }

  static Workflow start(
      HeliosDB db, List<WorkflowStep> steps, Map<String, WorkflowAction> actions) {
    if (steps.isEmpty()) {
      throw new ConfigException(
          "no workflow steps are configured: add [workflow.steps.NAME] tables to heliosdb.toml, or"
              + " HeliosConfig.Builder.workflowStep(...)");
    }
    for (WorkflowStep step : steps) {
      if (!actions.containsKey(step.action())) {
        String source = db.config().workflowActionSource(step.name());
        throw new ConfigException(
            (source == null ? "" : source + ": ")
                + "workflow.steps."
                + step.name()
                + ".action = \""
                + step.action()
                + "\": no action is registered under that name (registered: "
                + (actions.isEmpty() ? "none" : String.join(", ", new TreeSet<>(actions.keySet())))
                + ")");
      }
    }
    List<DurableConsumer> started = new ArrayList<>();
    try {
      for (WorkflowStep step : steps) {
        WorkflowAction action = actions.get(step.action());
        String next = step.nextChannel();
        DeliveryHandler handler =
            d -> {
              String result = action.run(d);
              if (result != null && next != null) {
                d.notify(next, result);
              }
            };
        started.add(
            db.consume(step.name(), List.of(step.triggerChannel()), step.consumer(), handler));
      }
    } catch (RuntimeException e) {
      started.forEach(DurableConsumer::close);
      throw e;
    }
    return new Workflow(started);
  }

  /** The steps' consumers, in the configuration's order. */
  public List<DurableConsumer> steps() {
    return steps;
  }

  /** The consumer of the step called {@code name}. */
  public DurableConsumer step(String name) {
    for (DurableConsumer c : steps) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("no workflow step called " + name);
  }

  @Override
  public void close() {
    for (DurableConsumer c : steps) {
      c.close();
    }
  }
}
