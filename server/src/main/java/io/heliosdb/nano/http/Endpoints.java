package io.heliosdb.nano.http;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.HeliosException;
import io.heliosdb.nano.SubscribeOptions;
import io.heliosdb.nano.Subscription;
import io.heliosdb.nano.net.AuthThrottle;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the endpoints do, apart from HTTP framing: the health probe, the metrics scrape, publishing
 * and opening event streams. Work that may wait on SQLite runs on the workers, never on an event
 * loop.
 */
final class Endpoints implements AutoCloseable {
  private final HeliosDB db;
  private final HttpConfig config;
  private final Executor workers;
  private final HealthProbe health;
  private final MetricsExporter metrics;
  private final ClientErrors clientErrors = new ClientErrors();
  private final AuthThrottle throttle;
  private final AtomicInteger streams = new AtomicInteger();
  private final AtomicInteger websockets = new AtomicInteger();

  Endpoints(
      HeliosDB db,
      HttpConfig config,
      Executor workers,
      IntSupplier wire,
      IntSupplier conns,
      AuthThrottle throttle) {
    this.db = db;
    this.throttle = throttle;
    this.config = config;
    this.workers = workers;
    this.health = new HealthProbe(db);
    this.metrics =
        MetricsExporter.of(db.config().metrics(), wire, streams::get, websockets::get, conns);
    if (metrics != null) {
      metrics.clientErrors(clientErrors);
      metrics.authentication(throttle);
      metrics.node(db.config().nodeName(), db.config().location());
    }
  }

  /** Connections ended for a client's mistake, by reason. */
  ClientErrors clientErrors() {
    return clientErrors;
  }

  /** Failed authentications per client address, with the wire server. */
  AuthThrottle throttle() {
    return throttle;
  }

  /** Adds the memory gauges to /metrics ({@link MetricsExporter#exportMemory}); when it is on. */
  void exportMemory(
      LongSupplier wireBufferedBytes,
      LongSupplier wireSessionBufferedBytesMax,
      IntSupplier sqliteConnections) {
    if (metrics != null) {
      metrics.exportMemory(wireBufferedBytes, wireSessionBufferedBytesMax, sqliteConnections);
    }
  }

  /** Event streams open now. */
  int streams() {
    return streams.get();
  }

  /** WebSocket connections open now. */
  int websockets() {
    return websockets.get();
  }

  long heartbeatMillis() {
    return config.heartbeat().toMillis();
  }

  /** Runs {@code work} on a worker and hands its response, or its error as one, to {@code then}. */
  void run(Supplier<FullHttpResponse> work, Consumer<FullHttpResponse> then) {
    execute(
        () -> {
          FullHttpResponse r;
          try {
            r = work.get();
          } catch (HttpError e) {
            r = Responses.error(e);
          } catch (HeliosException e) {
            r = Responses.error(HttpError.of(e));
          }
          try {
            then.accept(r);
          } catch (RejectedExecutionException e) {
            r.release(); // the gateway closed meanwhile: so did the connection
          }
        },
        () -> then.accept(Responses.error(shuttingDown())));
  }

  FullHttpResponse health() {
    Map.Entry<HttpResponseStatus, Map<String, Object>> h = health.check();
    return Responses.json(h.getKey(), h.getValue());
  }

  /** Cheap enough for the event loop: it reads counters. */
  FullHttpResponse metrics() {
    if (metrics == null) {
      throw new HttpError(
          HttpResponseStatus.NOT_FOUND,
          "metrics are off: set metrics_enabled = true in [monitoring] of heliosdb.toml");
    }
    ByteBuf buf = Unpooled.buffer(4096);
    try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
      metrics.write(out);
    } catch (IOException e) {
      buf.release();
      throw new UncheckedIOException(e);
    }
    return Responses.body(HttpResponseStatus.OK, buf, metrics.contentType());
  }

  /**
   * A POST body as a payload.
   *
   * @throws HttpError 413 when it is max_payload_bytes or longer, 400 when it is not UTF-8
   */
  String payload(ByteBuf content) {
    int limit = db.config().maxPayloadBytes();
    if (content.readableBytes() >= limit) {
      throw tooLong(content.readableBytes(), limit);
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(content.nioBuffer())
          .toString();
    } catch (CharacterCodingException e) {
      throw new HttpError(HttpResponseStatus.BAD_REQUEST, "body is not valid UTF-8", "22021");
    }
  }

  static HttpError tooLong(long bytes, int limit) {
    return new HttpError(
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
        "payload string too long: "
            + bytes
            + " bytes, a payload must be shorter than max_payload_bytes = "
            + limit,
        "22023");
  }

  /** Publishes in its own transaction; 204 once committed (and delivered to subscribers). */
  FullHttpResponse publish(String channel, String payload) {
    db.pubsub().notify(channel, payload);
    return Responses.empty(HttpResponseStatus.NO_CONTENT);
  }

  /**
   * Where a stream resumes: the Last-Event-ID header (what a reconnecting EventSource sends) over
   * {@code ?from_id=N}; -1 for live only.
   */
  static long resumeId(String lastEventId, Map<String, List<String>> params) {
    if (lastEventId != null && !lastEventId.isBlank()) {
      return id("Last-Event-ID", lastEventId.trim());
    }
    List<String> from = params.get("from_id");
    return from == null || from.isEmpty() ? -1 : id("from_id", from.get(from.size() - 1));
  }

  private static long id(String what, String text) {
    try {
      long id = Long.parseLong(text);
      if (id >= 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new HttpError(
        HttpResponseStatus.BAD_REQUEST,
        what + " must be a notification id, 0 or more: " + text,
        "22023");
  }

  /**
   * Subscribes (on a worker: a resume reads the log); {@code ok} runs on the channel's event loop
   * with the subscription and the executor its drains belong on, {@code failed} with the error.
   */
  void subscribe(
      Channel ch,
      List<String> channels,
      long fromId,
      BiConsumer<Subscription, Executor> ok,
      Consumer<HttpError> failed) {
    execute(
        () -> {
          Subscription sub;
          try {
            sub = subscription(channels, fromId);
          } catch (HttpError e) {
            failed.accept(e);
            return;
          }
          track(ch, streams);
          onLoop(
              ch.eventLoop(),
              () -> ok.accept(sub, fromId >= 0 ? workers : ch.eventLoop()),
              sub::close);
        },
        () -> failed.accept(shuttingDown()));
  }

  /** A subscription, resuming after {@code fromId} when it is 0 or more: run it on a worker. */
  Subscription subscription(List<String> channels, long fromId) {
    SubscribeOptions o =
        SubscribeOptions.channels(channels.toArray(new String[0])).queueSize(config.queueSize());
    try {
      return db.pubsub().subscribe(fromId >= 0 ? o.fromId(fromId) : o);
    } catch (HeliosException e) {
      throw HttpError.of(e);
    }
  }

  /** A live subscription: quick enough for an event loop. */
  Subscription liveSubscription(List<String> channels) {
    return subscription(channels, -1);
  }

  /** True when every one of {@code channels} is durable (its notifications carry ids). */
  boolean allDurable(List<String> channels) {
    return channels.stream().allMatch(db.config().durableChannels()::matches);
  }

  /** Counts {@code ch} in {@code open} until it closes. */
  void track(Channel ch, AtomicInteger open) {
    open.incrementAndGet();
    ch.closeFuture().addListener(f -> open.decrementAndGet());
  }

  /** Counts a WebSocket connection until it closes. */
  void trackWebSocket(Channel ch) {
    track(ch, websockets);
  }

  /** Publishes in its own transaction (a worker's work: it commits). */
  void publishNow(String channel, String payload) {
    try {
      db.pubsub().notify(channel, payload);
    } catch (HeliosException e) {
      throw HttpError.of(e);
    }
  }

  /**
   * Runs {@code work} on a worker, then {@code then} on {@code loop} with its result, or with the
   * error it failed with.
   */
  <T> void runThen(Supplier<T> work, Executor loop, BiConsumer<T, HttpError> then) {
    execute(
        () -> {
          T result;
          try {
            result = work.get();
          } catch (HttpError e) {
            onLoop(loop, () -> then.accept(null, e), () -> {});
            return;
          } catch (HeliosException e) {
            onLoop(loop, () -> then.accept(null, HttpError.of(e)), () -> {});
            return;
          }
          onLoop(
              loop,
              () -> then.accept(result, null),
              () -> {
                if (result instanceof AutoCloseable c) {
                  closeQuietly(c);
                }
              });
        },
        () -> onLoop(loop, () -> then.accept(null, shuttingDown()), () -> {}));
  }

  /** Runs {@code task} on an event loop, or {@code orElse} when the gateway has closed it. */
  private static void onLoop(Executor loop, Runnable task, Runnable orElse) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      orElse.run();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // closing on shutdown: nothing to tell
    }
  }

  Executor workers() {
    return workers;
  }

  long stallMillis() {
    return config.stallTimeout().toMillis();
  }

  /**
   * The longest WebSocket message: room for any valid notify (a payload whose every byte is escaped
   * as six), at least 64 KiB.
   */
  int maxWsMessageBytes() {
    return Math.max(64 * 1024, 6 * db.config().maxPayloadBytes() + 1024);
  }

  private void execute(Runnable task, Runnable rejected) {
    try {
      workers.execute(task);
    } catch (RejectedExecutionException e) {
      rejected.run();
    }
  }

  private static HttpError shuttingDown() {
    return new HttpError(
        HttpResponseStatus.SERVICE_UNAVAILABLE, "server is shutting down", "57P01");
  }

  @Override
  public void close() {
    health.close();
  }
}
