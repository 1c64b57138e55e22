package io.heliosdb.nano;

/**
 * The work of a workflow step ({@code action} in {@code [workflow.steps.NAME]}): it runs like a
 * {@link DeliveryHandler}, and what it returns is sent on the step's {@code next_channel} in the
 * same transaction (null sends nothing).
 */
@FunctionalInterface
public interface WorkflowAction {
  String run(Delivery delivery) throws Exception;
}
