package io.heliosdb.nano.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method that receives the notifications of {@link #channels()}. Its one parameter
 * says what it gets: {@link io.heliosdb.nano.Notification}, {@code String} (the payload), or any
 * other type, read from the payload's JSON with Jackson.
 *
 * <p>Without {@link #consumer()} the method hears the live stream, from the start of the
 * application, one notification at a time and in order, on the executor {@link #executor()} names.
 * With a consumer name it is a durable consumer ({@link io.heliosdb.nano.DurableConsumer}): its
 * channels must be durable ({@code heliosdb.durable-channels}), its position is stored in the
 * database, so after a restart it resumes after the last notification it handled; it runs on the
 * consumer's own worker threads, and may take {@link io.heliosdb.nano.Delivery} to do its SQL in
 * the transaction that acknowledges the notification.
 *
 * <p>A method that throws is logged and counted ({@code heliosdb.listener.errors}); the next
 * notification is delivered as usual. For a durable consumer the notification is retried after the
 * backoff, then sent to the dead-letter channel.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface HeliosListener {

  /** The channels, as {@code pg_notify} names them (no case folding). */
  String[] channels();

  /** A durable consumer's name: its position is stored under it. Empty for the live stream. */
  String consumer() default "";

  /** The bean name of the {@link java.util.concurrent.Executor} for live listeners. */
  String executor() default HeliosAutoConfiguration.LISTENER_EXECUTOR;
}
