package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One session's tasks: in order, never two at once, inline only when nothing else is pending. */
class SerialExecutorTest {

  @Test
  void inlineRunsOnlyWhenIdleAndWhatArrivesMeanwhileRunsAfterIt() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      SerialExecutor serial = new SerialExecutor(pool);
      List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
      boolean inline =
          serial.runInlineIfIdle(
              () -> {
                order.add("inline:" + Thread.currentThread().getName());
                serial.execute(() -> order.add("queued during inline"));
                // Busy now: a second inline attempt must be refused, not run concurrently.
                assertThat(serial.runInlineIfIdle(() -> order.add("never"))).isFalse();
              });
      assertThat(inline).isTrue();
      java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
      serial.execute(done::countDown);
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(order)
          .containsExactly("inline:" + Thread.currentThread().getName(), "queued during inline");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void whatItDependsOnIsAskedOnceIdleAndANoRunsTheTaskOnThePoolInstead() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(1);
    try {
      java.util.concurrent.atomic.AtomicBoolean allowed =
          new java.util.concurrent.atomic.AtomicBoolean();
      SerialExecutor serial = new SerialExecutor(pool, allowed::get);
      assertThat(serial.runInlineIfIdle(() -> {})).isFalse();
      allowed.set(true);
      assertThat(serial.runInlineIfIdle(() -> {})).isTrue();
      // Still serial after a refusal: the task given next runs on the pool.
      allowed.set(false);
      assertThat(serial.runInlineIfIdle(() -> {})).isFalse();
      java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
      serial.execute(done::countDown);
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }
}
