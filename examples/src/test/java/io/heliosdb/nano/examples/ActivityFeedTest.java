package io.heliosdb.nano.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The activity feed over real HTTP: a user's token follows that user's feed, sees the activities
 * another client inserts over the wire for that user, never another user's, and is refused on
 * another user's feed.
 */
class ActivityFeedTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private static final long PATIENCE_SECONDS = 20;

  @TempDir Path dir;
  private ActivityFeed feed;

  @BeforeEach
  void start() throws Exception {
    feed =
        ActivityFeed.start(
            new ActivityFeed.Options(
                dir.resolve("activity.db"),
                0,
                0,
                Path.of("activity-feed/web").toAbsolutePath(),
                2,
                0));
  }

  @AfterEach
  void stop() {
    feed.close();
  }

  @Test
  void userOnesTokenReceivesUserOnesActivitiesAndNotUserTwos() throws Exception {
    try (ActivityWriter writer = new ActivityWriter(feed.jdbcUrl());
        SseReader stream = SseReader.open(feedUrl(1, feed.tokens().token(1)))) {
      assertThat(stream.status()).isEqualTo(200);
      stream.awaitConnected();
      writer.record(1, "comment", "first for one");
      writer.record(2, "like", "only for two");
      writer.record(1, "follow", "second for one");

      List<String> texts = new ArrayList<>();
      texts.add(stream.nextData("user_feed_1"));
      texts.add(stream.nextData("user_feed_1"));
      // Commit order: user 2's row came between, so had it been delivered it would be here.
      assertThat(texts)
          .satisfiesExactly(
              first -> assertThat(first).contains("\"text\":\"first for one\"", "\"user_id\":1"),
              second -> assertThat(second).contains("\"text\":\"second for one\""));
      assertThat(stream.eventsSeen()).containsOnly("user_feed_1");
    }
  }

  @Test
  void userOnesTokenOnUserTwosFeedIs403() throws Exception {
    assertThat(status(feedUrl(2, feed.tokens().token(1)))).isEqualTo(403);
  }

  @Test
  void aFeedWithoutATokenIs401() throws Exception {
    assertThat(status(feed.httpUrl("/channels/user_feed_1/events"))).isEqualTo(401);
  }

  @Test
  void thePageIsServedWithoutAToken() throws Exception {
    HttpResponse<String> page =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(feed.httpUrl("/feed.html"))).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<script src=\"feed.js\">");
  }

  private String feedUrl(int user, String token) {
    return feed.httpUrl(
        "/channels/user_feed_"
            + user
            + "/events?access_token="
            + URLEncoder.encode(token, StandardCharsets.UTF_8));
  }

  /** The status of a stream request; only the head is read, as an allowed stream never ends. */
  private static int status(String url) throws Exception {
    HttpResponse<InputStream> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    r.body().close();
    return r.statusCode();
  }

  /** An event stream read line by line on a thread of its own, into a queue the test polls. */
  private static final class SseReader implements AutoCloseable {
    private final HttpResponse<InputStream> response;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> events = new ArrayList<>();

    private SseReader(HttpResponse<InputStream> response) {
      this.response = response;
      Thread reader = new Thread(this::read, "sse-reader");
      reader.setDaemon(true);
      reader.start();
    }

    static SseReader open(String url) throws Exception {
      return new SseReader(
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).build(),
              HttpResponse.BodyHandlers.ofInputStream()));
    }

    private void read() {
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        // closed by the test
      }
    }

    int status() {
      return response.statusCode();
    }

    private String nextLine() throws InterruptedException {
      String line = lines.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
      assertThat(line).as("a line of the event stream within %d s", PATIENCE_SECONDS).isNotNull();
      return line;
    }

    /** Waits for the stream's opening comment: from then on the subscription is in place. */
    void awaitConnected() throws InterruptedException {
      assertThat(nextLine()).isEqualTo(": connected");
    }

    /** The data of the next event (its name must be {@code event}), skipping comments. */
    String nextData(String event) throws InterruptedException {
      String name = null;
      StringBuilder data = new StringBuilder();
      for (String line = nextLine(); !line.isEmpty() || name == null; line = nextLine()) {
        if (line.startsWith("event: ")) {
          name = line.substring("event: ".length());
        } else if (line.startsWith("data: ")) {
          data.append(line.substring("data: ".length()));
        }
      }
      events.add(name);
      assertThat(name).isEqualTo(event);
      return data.toString();
    }

    List<String> eventsSeen() {
      return events;
    }

    @Override
    public void close() throws IOException {
      response.body().close();
    }
  }
}
