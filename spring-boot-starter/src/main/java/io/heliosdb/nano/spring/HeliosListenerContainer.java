package io.heliosdb.nano.spring;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.config.ConsumerSettings;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.SmartLifecycle;
import tools.jackson.databind.ObjectMapper;

/**
 * Runs the {@code @HeliosListener} methods: a subscription on its executor for each live one, a
 * {@link io.heliosdb.nano.DurableConsumer} for each durable one; started after the context is
 * refreshed and stopped before the database closes. Also the binder of their error counters.
 */
final class HeliosListenerContainer implements SmartLifecycle, MeterBinder {
  private final HeliosDB db;
  private final ListenerMethods methods;
  private final BeanFactory beans;
  private final ObjectMapper json;
  private final List<AutoCloseable> running = new ArrayList<>();
  private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
  private volatile boolean started;

  HeliosListenerContainer(
      HeliosDB db, ListenerMethods methods, BeanFactory beans, ObjectMapper json) {
    this.db = db;
    this.methods = methods;
    this.beans = beans;
    this.json = json;
  }

  @Override
  public synchronized void start() {
    if (started) {
      return;
    }
    try {
      for (ListenerMethod m : methods.all()) {
        running.add(run(m));
        for (MeterRegistry r : registries) {
          countErrors(r, m);
        }
      }
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
    started = true;
  }

  private AutoCloseable run(ListenerMethod m) {
    if (m.isDurable()) {
      return db.consume(
          m.consumer(), m.channels(), ConsumerSettings.DEFAULTS, d -> m.onDelivery(d, json));
    }
    Executor executor = beans.getBean(m.executor(), Executor.class);
    return db.pubsub().subscribe(m.channels(), executor, n -> m.onNotification(n, json));
  }

  @Override
  public synchronized void stop() {
    for (AutoCloseable c : running) {
      try {
        c.close();
      } catch (Exception e) {
        // closing on the way out: the database closes next anyway
      }
    }
    running.clear();
    started = false;
  }

  @Override
  public boolean isRunning() {
    return started;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    registries.add(registry);
    for (ListenerMethod m : methods.all()) {
      countErrors(registry, m);
    }
  }

  private static void countErrors(MeterRegistry registry, ListenerMethod m) {
    FunctionCounter.builder("heliosdb.listener.errors", m, ListenerMethod::errors)
        .description("Notifications a @HeliosListener method threw on")
        .tag("listener", m.id())
        .register(registry);
  }
}
