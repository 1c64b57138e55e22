package io.heliosdb.nano.bench;

/** What a {@link DeliveryCounter} counted since {@link #start}: one JMH iteration's worth. */
final class CounterWindow {
  private DeliveryCounter counter;
  private long deliveredBase;
  private long droppedBase;

  void start(DeliveryCounter c) {
    counter = c;
    deliveredBase = c.delivered();
    droppedBase = c.dropped();
  }

  long delivered() {
    return counter.delivered() - deliveredBase;
  }

  long dropped() {
    return counter.dropped() - droppedBase;
  }
}
