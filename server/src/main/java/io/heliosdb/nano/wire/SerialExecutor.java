package io.heliosdb.nano.wire;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one session's tasks one at a time, in submission order, on a shared pool: sessions run in
 * parallel, a session's statements never overlap. At most one pool thread works for a session at
 * any moment.
 */
final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor pool;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();

  SerialExecutor(Executor pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    if (pending.getAndIncrement() == 0) {
      pool.execute(this::runAll);
    }
  }

  /**
   * Runs {@code task} on the calling thread if the session has nothing queued or running, and
   * returns true; otherwise does nothing and returns false. Tasks submitted meanwhile run after it,
   * on the pool.
   */
  boolean runInlineIfIdle(Runnable task) {
    if (!pending.compareAndSet(0, 1)) {
      return false;
    }
    try {
      task.run();
    } catch (RuntimeException | Error e) {
      log.debug("session task failed", e);
    } finally {
      if (pending.decrementAndGet() != 0) {
        pool.execute(this::runAll);
      }
    }
    return true;
  }

  private void runAll() {
    do {
      Runnable task = tasks.poll();
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        log.debug("session task failed", e);
      }
    } while (pending.decrementAndGet() != 0);
  }
}
