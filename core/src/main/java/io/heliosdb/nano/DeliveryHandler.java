package io.heliosdb.nano;

/**
 * What a durable consumer does with each notification, inside the transaction that acknowledges it:
 * run the work's SQL on {@link Delivery#connection()}; return to commit it with the
 * acknowledgement, throw to roll both back (the notification is then retried after the backoff, or
 * dead-lettered after the last attempt).
 */
@FunctionalInterface
public interface DeliveryHandler {
  void handle(Delivery delivery) throws Exception;
}
