package io.heliosdb.nano;

import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.metrics.MetricsTracker;
import io.heliosdb.nano.metrics.MetricsTracker.ConsumerOutcome;
import io.heliosdb.nano.session.ConsumerStore;
import io.heliosdb.nano.session.WorkerNames;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker thread of a {@link DurableConsumer}: claims a batch, then handles each notification in
 * a transaction of its own that ends with {@code heliosdb_ack()}, so that the work and the new
 * position commit together. Two connections: one for the claims, which commit at once, and one for
 * the work.
 */
final class ConsumerWorker implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(DurableConsumer.class);

  /** How often an idle worker looks at the file anyway: for commits of other processes. */
  static final long IDLE_POLL_MILLIS = 250;

  /**
   * How often a worker looks for claims of killed processes on this machine, to free them before
   * their leases run out: at start, and then at most this often.
   */
  private static final long DEAD_CHECK_MILLIS = 1000;

  /** Reruns of a handler whose transaction lost a race for the write lock, before it counts. */
  private static final int MAX_CONFLICT_RERUNS = 5;

  private final DurableConsumer consumer;
  private final HeliosDB db;
  private final String name;
  private final DeliveryHandler handler;
  private final MetricsTracker metrics;
  private final String worker;

  ConsumerWorker(DurableConsumer consumer, HeliosDB db, DeliveryHandler handler, int index) {
    this.consumer = consumer;
    this.db = db;
    this.name = consumer.name();
    this.handler = handler;
    this.metrics = db.config().metrics();
    this.worker = WorkerNames.of(name + "-" + index);
  }

  @Override
  public void run() {
    try (ConsumerStore store =
            new ConsumerStore(db.connection(), worker, db.config().maxPayloadBytes());
        HeliosConnection work = db.connection();
        PreparedStatement ack = work.prepareStatement("SELECT heliosdb_ack(?, ?)")) {
      work.setAutoCommit(false);
      ack.setString(1, name);
      long deadCheckedAt = 0;
      while (!consumer.isStopping()) {
        try {
          long now = System.currentTimeMillis();
          if (now - deadCheckedAt >= DEAD_CHECK_MILLIS) {
            store.releaseDeadWorkers(name);
            deadCheckedAt = now;
          }
          long wait = store.millisUntilWork(name);
          if (wait > 0 && store.releaseDeadWorkersNowAndThen(name) > 0) {
            wait = 0; // a killed process's claims, free now: no need to wait for their leases
          }
          if (wait > 0) {
            consumer.awaitWork(Math.min(wait, IDLE_POLL_MILLIS));
            continue;
          }
          for (ConsumerStore.Claimed c : store.claim(name, consumer.settings().batchSize())) {
            if (consumer.isStopping()) {
              break; // the rest are given back below
            }
            handle(store, work, ack, c);
          }
        } catch (SQLException e) {
          // Busy beyond the busy timeout, or a disk error: wait a little and go on.
          log.warn("consumer {} worker {}: {}", name, worker, e.getMessage());
          consumer.awaitWork(IDLE_POLL_MILLIS);
        }
      }
      store.releaseAll();
    } catch (SQLException | RuntimeException e) {
      if (!consumer.isStopping()) {
        log.error("consumer {} worker {} stopped", name, worker, e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(
      ConsumerStore store, HeliosConnection work, PreparedStatement ack, ConsumerStore.Claimed c)
      throws SQLException {
    Delivery d =
        new Delivery(name, c.id(), c.channel(), c.payload(), c.senderPid(), c.attempt(), work);
    for (int reruns = 0; ; reruns++) {
      Exception failure;
      try {
        handler.handle(d);
        ack.setLong(2, c.id());
        ack.executeQuery().close();
        work.commit();
        consumer.count(ConsumerOutcome.HANDLED);
        metrics.consumerOutcome(name, ConsumerOutcome.HANDLED);
        return;
      } catch (Exception e) {
        failure = e;
        rollback(work);
      }
      if (failure instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      String state = failure instanceof SQLException s ? s.getSQLState() : null;
      if (SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE.code().equals(state)
          && failure.getMessage() != null
          && failure.getMessage().contains("is not claimed by consumer")) {
        log.debug("consumer {}: {}", name, failure.getMessage());
        return; // another worker has it now; its acknowledgement will count
      }
      if (SqlState.LOCK_NOT_AVAILABLE.code().equals(state) && reruns < MAX_CONFLICT_RERUNS) {
        continue; // lost a race for the write lock: nothing happened, run it again
      }
      ConsumerStore.Outcome outcome = store.fail(name, c.id(), describe(failure));
      if (outcome == ConsumerStore.Outcome.DEAD_LETTER) {
        log.warn(
            "consumer {}: notification {} dead-lettered after {} attempts: {}",
            name,
            c.id(),
            c.attempt(),
            describe(failure));
        consumer.count(ConsumerOutcome.DEAD_LETTERED);
        metrics.consumerOutcome(name, ConsumerOutcome.DEAD_LETTERED);
      } else if (outcome == ConsumerStore.Outcome.RETRY) {
        log.info(
            "consumer {}: notification {} failed on attempt {}, will retry: {}",
            name,
            c.id(),
            c.attempt(),
            describe(failure));
        consumer.count(ConsumerOutcome.RETRIED);
        metrics.consumerOutcome(name, ConsumerOutcome.RETRIED);
      }
      return;
    }
  }

  private static String describe(Exception e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  private void rollback(HeliosConnection work) {
    try {
      work.rollback();
    } catch (SQLException e) {
      log.debug("consumer {}: rollback failed: {}", name, e.getMessage());
    }
  }
}
