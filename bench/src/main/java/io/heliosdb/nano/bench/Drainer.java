package io.heliosdb.nano.bench;

import io.heliosdb.nano.Notification;
import io.heliosdb.nano.Subscription;
import java.util.List;

/**
 * A consumer thread, as an application would run one: it blocks in {@code take()} on a single
 * subscription, or sweeps many with {@code poll()}, and counts what it receives.
 */
final class Drainer implements AutoCloseable {
  private final List<Subscription> subscriptions;
  private final DeliveryCounter counter;
  private final Thread thread;
  private volatile boolean running = true;

  private Drainer(List<Subscription> subscriptions, DeliveryCounter counter) {
    this.subscriptions = List.copyOf(subscriptions);
    this.counter = counter;
    this.thread =
        new Thread(subscriptions.size() == 1 ? this::takeLoop : this::sweepLoop, "bench-drainer");
    thread.setDaemon(true);
  }

  static Drainer start(List<Subscription> subscriptions, DeliveryCounter counter) {
    Drainer d = new Drainer(subscriptions, counter);
    d.thread.start();
    return d;
  }

  private void takeLoop() {
    Subscription sub = subscriptions.get(0);
    try {
      Notification n;
      while (running && (n = sub.take()) != null) {
        counter.accept(n);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void sweepLoop() {
    while (running) {
      boolean idle = true;
      for (Subscription sub : subscriptions) {
        Notification n;
        while ((n = sub.poll()) != null) {
          counter.accept(n);
          idle = false;
        }
      }
      if (idle) {
        Thread.yield();
      }
    }
  }

  /** Stops the thread and closes the subscriptions. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    subscriptions.forEach(Subscription::close);
    thread.join(5_000);
  }
}
