package io.heliosdb.nano;

import io.heliosdb.nano.config.ConsumerSettings;
import io.heliosdb.nano.metrics.MetricsTracker.ConsumerOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A named reader of durable channels whose position is stored in the database and moves in the same
 * transaction as its handler's work: for work in the same database, each notification is handled
 * exactly once, across restarts and crashes; for work elsewhere, at least once (dedupe by {@link
 * Delivery#id()}). Started with {@link HeliosDB#consume}; runs until closed.
 *
 * <p>Workers (threads here, and those of other processes on the same file, and wire clients using
 * {@code heliosdb_claim()}) share the consumer's notifications: each claims a batch with a lease,
 * handles them one transaction each, and a notification whose worker died goes to another when its
 * lease runs out (at once, when the dead worker's process was on this machine). A handler that
 * throws rolls back; the notification is retried after the backoff, and after the last attempt sent
 * to the dead-letter channel with the error. Order: notifications are claimed in id order, but with
 * several workers or retries they may be handled out of order.
 */
public final class DurableConsumer implements AutoCloseable {
  /** How long {@link #close()} waits for handlers running to finish before interrupting them. */
  private static final long CLOSE_WAIT_MILLIS = 10_000;

  private final String name;
  private final List<String> channels;
  private final ConsumerSettings settings;
  private final HeliosDB db;
  private final Map<String, DurableConsumer> running;
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLongArray counts = new AtomicLongArray(ConsumerOutcome.values().length);
  private final Object doorbell = new Object();
  private long rings;
  private Subscription wakeUps;
  private volatile boolean stopping;

  DurableConsumer(
      HeliosDB db,
      String name,
      List<String> channels,
      ConsumerSettings settings,
      Map<String, DurableConsumer> running) {
    this.db = db;
    this.name = name;
    this.channels = List.copyOf(channels);
    this.settings = settings;
    this.running = running;
  }

  /** Subscribes for wake-ups and starts the workers. */
  void start(DeliveryHandler handler) {
    wakeUps = db.pubsub().subscribe(channels, Runnable::run, n -> ring());
    for (int i = 0; i < settings.workers(); i++) {
      Thread t =
          new Thread(
              new ConsumerWorker(this, db, handler, i), "heliosdb-consumer-" + name + "-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  public String name() {
    return name;
  }

  public List<String> channels() {
    return channels;
  }

  public ConsumerSettings settings() {
    return settings;
  }

  /** Notifications not yet done (claimed or not), read from the database: all workers' view. */
  public long lag() {
    List<Map<String, Object>> rows =
        db.query("SELECT lag FROM heliosdb_consumers WHERE name = ?", name);
    return rows.isEmpty() ? 0 : ((Number) rows.get(0).get("lag")).longValue();
  }

  /** Notifications this process's workers handled (committed with their acknowledgement). */
  public long handled() {
    return counts.get(ConsumerOutcome.HANDLED.ordinal());
  }

  /** Failed attempts this process's workers gave back for a retry. */
  public long retried() {
    return counts.get(ConsumerOutcome.RETRIED.ordinal());
  }

  /** Notifications this process's workers sent to the dead-letter channel. */
  public long deadLettered() {
    return counts.get(ConsumerOutcome.DEAD_LETTERED.ordinal());
  }

  void count(ConsumerOutcome outcome) {
    counts.incrementAndGet(outcome.ordinal());
  }

  boolean isStopping() {
    return stopping;
  }

  private void ring() {
    synchronized (doorbell) {
      rings++;
      doorbell.notifyAll();
    }
  }

  /** Waits up to {@code millis} for a notification on the consumer's channels (or close). */
  void awaitWork(long millis) throws InterruptedException {
    synchronized (doorbell) {
      long seen = rings;
      long deadline = System.nanoTime() + millis * 1_000_000;
      long left = millis;
      while (rings == seen && !stopping && left > 0) {
        doorbell.wait(left);
        left = (deadline - System.nanoTime()) / 1_000_000;
      }
    }
  }

  /**
   * Stops the workers: each finishes the notification in hand (up to 10 s) and gives back the rest
   * of its batch, which other workers then take at once.
   */
  @Override
  public void close() {
    if (stopping) {
      return;
    }
    stopping = true;
    ring();
    if (wakeUps != null) {
      wakeUps.close();
    }
    long deadline = System.currentTimeMillis() + CLOSE_WAIT_MILLIS;
    for (Thread t : threads) {
      try {
        t.join(Math.max(1, deadline - System.currentTimeMillis()));
        if (t.isAlive()) {
          t.interrupt();
          t.join(1000);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    running.remove(name, this);
  }

  @Override
  public String toString() {
    return "DurableConsumer[" + name + " " + channels + ", " + settings.workers() + " workers]";
  }
}
