package io.heliosdb.nano.spring;

import io.heliosdb.nano.Delivery;
import io.heliosdb.nano.Notification;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.ReflectionUtils;
import tools.jackson.databind.ObjectMapper;

/** One {@code @HeliosListener} method: what it listens to, and how its argument is made. */
final class ListenerMethod {
  private static final Logger log = LoggerFactory.getLogger(HeliosListener.class);

  private final Object bean;
  private final Method method;
  private final String id;
  private final List<String> channels;
  private final String consumer;
  private final String executor;
  private final Type parameter;
  private final LongAdder errors = new LongAdder();

  ListenerMethod(Object bean, String beanName, Method method, HeliosListener annotation) {
    this.bean = bean;
    this.method = method;
    this.id = beanName + "." + method.getName();
    this.channels = List.of(annotation.channels());
    this.consumer = annotation.consumer();
    this.executor = annotation.executor();
    if (method.getParameterCount() != 1) {
      throw new IllegalStateException(
          "@HeliosListener method "
              + id
              + " must take one parameter: Notification, Delivery (with consumer), String or a"
              + " type the payload's JSON maps to");
    }
    if (channels.isEmpty()) {
      throw new IllegalStateException("@HeliosListener method " + id + " names no channel");
    }
    this.parameter = method.getGenericParameterTypes()[0];
    Class<?> raw = method.getParameterTypes()[0];
    if (raw == Notification.class && isDurable()) {
      throw new IllegalStateException(
          "@HeliosListener method "
              + id
              + " of consumer "
              + consumer
              + " takes Delivery, not Notification");
    }
    if (raw == Delivery.class && !isDurable()) {
      throw new IllegalStateException(
          "@HeliosListener method "
              + id
              + " takes Delivery: name a durable consumer, consumer = \"...\"");
    }
    ReflectionUtils.makeAccessible(method);
  }

  /** beanName.methodName: the tag of its error counter. */
  String id() {
    return id;
  }

  List<String> channels() {
    return channels;
  }

  boolean isDurable() {
    return !consumer.isEmpty();
  }

  String consumer() {
    return consumer;
  }

  String executor() {
    return executor;
  }

  long errors() {
    return errors.sum();
  }

  /** A live notification; a failure is logged and counted, and delivery goes on. */
  void onNotification(Notification n, ObjectMapper json) {
    if (n.isOverflow() || n.isReset()) {
      log.warn("@HeliosListener {} on {}: {}", id, channels, n);
      return;
    }
    try {
      invoke(argument(n, n.payload(), json));
    } catch (Throwable e) {
      failed(n.channel(), e);
    }
  }

  /** A durable consumer's notification; a failure is logged, counted and rethrown for a retry. */
  void onDelivery(Delivery d, ObjectMapper json) throws Exception {
    try {
      invoke(argument(d, d.payload(), json));
    } catch (Exception e) {
      failed(d.channel(), e);
      throw e;
    }
  }

  private Object argument(Object notification, String payload, ObjectMapper json) {
    if (parameter instanceof Class<?> c && c.isInstance(notification)) {
      return notification;
    }
    if (parameter == String.class) {
      return payload;
    }
    return json.readValue(payload, json.constructType(parameter));
  }

  private void invoke(Object argument) throws Exception {
    try {
      method.invoke(bean, argument);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  private void failed(String channel, Throwable e) {
    errors.increment();
    log.error("@HeliosListener {} failed on a notification of channel {}", id, channel, e);
  }
}
