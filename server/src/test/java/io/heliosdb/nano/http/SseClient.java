package io.heliosdb.nano.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Test helper: an event stream read with the JDK's HttpClient, parsed as the HTML standard says
 * (fields up to a blank line, data lines joined with LF, comments counted), into a queue. Public
 * for the tests of {@code heliosdb serve} in a child process.
 */
public final class SseClient implements AutoCloseable {
  /** One dispatched event; id is the last id seen (null before any). */
  public record Event(String id, String event, String data) {}

  final HttpResponse<Stream<String>> response;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  final AtomicInteger comments = new AtomicInteger();
  private final Thread reader;
  private volatile boolean ended;

  SseClient(TestServer server, String pathAndQuery, String... headers) throws Exception {
    this(server.uri(pathAndQuery), headers);
  }

  /** A stream of {@code uri}, with the request headers given as name, value, name, value... */
  public SseClient(URI uri, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5)).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    response = TestServer.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofLines());
    reader = new Thread(this::read, "sse-client");
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    String id = null;
    String event = null;
    List<String> data = new ArrayList<>();
    try {
      for (String line : (Iterable<String>) response.body()::iterator) {
        if (line.isEmpty()) {
          if (!data.isEmpty()) {
            events.add(new Event(id, event == null ? "message" : event, String.join("\n", data)));
          }
          event = null;
          data.clear();
        } else if (line.startsWith(":")) {
          comments.incrementAndGet();
        } else {
          int colon = line.indexOf(':');
          String field = colon < 0 ? line : line.substring(0, colon);
          String value = colon < 0 ? "" : line.substring(colon + 1);
          value = value.startsWith(" ") ? value.substring(1) : value;
          switch (field) {
            case "id" -> id = value;
            case "event" -> event = value;
            case "data" -> data.add(value);
            default -> throw new AssertionError("unexpected field: " + line);
          }
        }
      }
    } catch (RuntimeException e) {
      // closed by the test, or by the server
    } finally {
      ended = true;
    }
  }

  /** The next event; fails after a minute without one. */
  public Event next() throws InterruptedException {
    Event e = events.poll(1, TimeUnit.MINUTES);
    assertThat(e).as("an event within a minute").isNotNull();
    return e;
  }

  /** The next event, or null when none comes within {@code millis}. */
  Event poll(long millis) throws InterruptedException {
    return events.poll(millis, TimeUnit.MILLISECONDS);
  }

  /** The next {@code n} events. */
  public List<Event> next(int n) throws InterruptedException {
    List<Event> got = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      got.add(next());
    }
    return got;
  }

  /** Whether the server ended the stream (after every event was read). */
  boolean ended() {
    return ended;
  }

  int queued() {
    return events.size();
  }

  @Override
  public void close() throws InterruptedException {
    response.body().close(); // cancels the exchange: the client closes the connection
    reader.interrupt(); // a read blocked in the body's queue
    reader.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(reader.isAlive()).as("the reader stopped").isFalse();
  }
}
