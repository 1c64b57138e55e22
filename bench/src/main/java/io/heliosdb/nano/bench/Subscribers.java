package io.heliosdb.nano.bench;

import io.heliosdb.nano.PubSub;
import io.heliosdb.nano.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code count} subscribers of one channel, consuming the way {@link ConsumerMode} says, all
 * counted by one {@link DeliveryCounter}. Every mode has a single consuming thread, so the counter
 * has a single writer.
 */
final class Subscribers implements AutoCloseable {
  final DeliveryCounter counter = new DeliveryCounter();
  private final List<Subscription> subscriptions = new ArrayList<>();
  private Drainer drainer;
  private ExecutorService executor;

  static Subscribers open(PubSub pubsub, String channel, int count, ConsumerMode mode) {
    Subscribers s = new Subscribers();
    switch (mode) {
      case POLL_THREAD -> {
        for (int i = 0; i < count; i++) {
          s.subscriptions.add(pubsub.subscribe(channel));
        }
        s.drainer = Drainer.start(s.subscriptions, s.counter);
      }
      case PUSH_DIRECT -> {
        for (int i = 0; i < count; i++) {
          s.subscriptions.add(pubsub.subscribe(List.of(channel), Runnable::run, s.counter));
        }
      }
      case PUSH_EXECUTOR -> {
        s.executor =
            Executors.newSingleThreadExecutor(
                r -> {
                  Thread t = new Thread(r, "bench-listener");
                  t.setDaemon(true);
                  return t;
                });
        for (int i = 0; i < count; i++) {
          s.subscriptions.add(pubsub.subscribe(List.of(channel), s.executor, s.counter));
        }
      }
    }
    return s;
  }

  @Override
  public void close() throws InterruptedException {
    if (drainer != null) {
      drainer.close();
    }
    subscriptions.forEach(Subscription::close);
    if (executor != null) {
      executor.shutdownNow();
      executor.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
