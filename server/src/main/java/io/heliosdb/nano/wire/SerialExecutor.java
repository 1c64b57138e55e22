package io.heliosdb.nano.wire;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
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
  private final BooleanSupplier mayRunInline;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();

  SerialExecutor(Executor pool) {
    this(pool, () -> true);
  }

  /**
   * @param mayRunInline asked once nothing of the session runs or waits, before a task runs on the
   *     calling thread (see {@link #runInlineIfIdle}); false makes it wait its turn on the pool
   */
  SerialExecutor(Executor pool, BooleanSupplier mayRunInline) {
    this.pool = pool;
    this.mayRunInline = mayRunInline;
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
    return runInlineIfIdle(() -> true, task);
  }

  /**
   * As {@link #runInlineIfIdle(Runnable)}, when {@code quick} also says yes: asked once nothing of
   * the session runs or waits, so it may read the session's state (whether a statement is one that
   * cannot wait on a lock).
   */
  boolean runInlineIfIdle(BooleanSupplier quick, Runnable task) {
    if (!pending.compareAndSet(0, 1)) {
      return false;
    }
    // Asked once no task can run elsewhere: what it depends on can no longer change behind it.
    if (!mayRunInline.getAsBoolean() || !quick.getAsBoolean()) {
      if (pending.decrementAndGet() != 0) {
        pool.execute(this::runAll);
      }
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
