package io.heliosdb.nano.http;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.HeliosException;
import io.heliosdb.nano.SubscribeOptions;
import io.heliosdb.nano.Subscription;
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
import java.util.function.Consumer;
import java.util.function.IntSupplier;
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
  private final AtomicInteger streams = new AtomicInteger();

  Endpoints(HeliosDB db, HttpConfig config, Executor workers, IntSupplier wire, IntSupplier conns) {
    this.db = db;
    this.config = config;
    this.workers = workers;
    this.health = new HealthProbe(db);
    this.metrics = MetricsExporter.of(db.config().metrics(), wire, streams::get, conns);
  }

  /** Event streams open now. */
  int streams() {
    return streams.get();
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
          then.accept(r);
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
   * Subscribes on a worker (a resume reads the log); {@code ok} runs on the channel's event loop
   * with the stream, {@code failed} with the error.
   */
  void subscribe(
      Channel ch,
      List<String> channels,
      long fromId,
      Consumer<SseStream> ok,
      Consumer<HttpError> failed) {
    execute(
        () -> {
          Subscription sub;
          try {
            SubscribeOptions o =
                SubscribeOptions.channels(channels.toArray(new String[0]))
                    .queueSize(config.queueSize());
            sub = db.pubsub().subscribe(fromId >= 0 ? o.fromId(fromId) : o);
          } catch (HeliosException e) {
            failed.accept(HttpError.of(e));
            return;
          }
          boolean durable = channels.stream().allMatch(db.config().durableChannels()::matches);
          SseStream s =
              new SseStream(
                  ch,
                  sub,
                  durable,
                  config.queueSize(),
                  config.stallTimeout().toMillis(),
                  fromId >= 0 ? workers : ch.eventLoop());
          streams.incrementAndGet();
          ch.closeFuture().addListener(f -> streams.decrementAndGet());
          ch.eventLoop().execute(() -> ok.accept(s));
        },
        () -> failed.accept(shuttingDown()));
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
