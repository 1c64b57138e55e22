package io.heliosdb.nano.examples;

import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.http.HttpConfig;
import io.heliosdb.nano.wire.WireServer;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Per-user activity feeds: a table {@code activities} whose trigger notifies {@code
 * user_feed_<user_id>}, a bearer token per user that may subscribe to its own feed only, the page
 * {@code examples/activity-feed/web/feed.html} that follows one feed over Server-Sent Events, and
 * an {@link ActivityWriter} inserting activities over the wire. {@code ./examples/run
 * activity-feed} starts it and prints each user's page.
 */
public final class ActivityFeed implements AutoCloseable {
  static final String TABLE =
      "CREATE TABLE IF NOT EXISTS activities("
          + "id INTEGER PRIMARY KEY AUTOINCREMENT, "
          + "user_id INTEGER NOT NULL, "
          + "kind TEXT NOT NULL, "
          + "text TEXT NOT NULL, "
          + "at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))";

  static final String TRIGGER =
      "CREATE TRIGGER IF NOT EXISTS activities_notify AFTER INSERT ON activities BEGIN "
          + "SELECT pg_notify('user_feed_' || NEW.user_id, json_object("
          + "'id', NEW.id, 'user_id', NEW.user_id, 'kind', NEW.kind, 'text', NEW.text, "
          + "'at', NEW.at)); END";

  /** Feeds are durable: a page opened later shows the newest activities, then the live ones. */
  static final long KEPT_NOTIFICATIONS = 10_000;

  /** Where and how to run; {@code writeEveryMillis} 0: no writer. */
  record Options(
      Path database, int wirePort, int httpPort, Path web, int users, int writeEveryMillis) {}

  private final ServedDatabase served;
  private final FeedTokens tokens;
  private final ScheduledExecutorService writing;

  private ActivityFeed(ServedDatabase served, FeedTokens tokens, ScheduledExecutorService writing) {
    this.served = served;
    this.tokens = tokens;
    this.writing = writing;
  }

  static ActivityFeed start(Options o) throws InterruptedException, SQLException {
    HeliosConfig db =
        HeliosConfig.builder()
            .path(o.database())
            .durableChannels("user_feed_*")
            .retentionMaxCount(KEPT_NOTIFICATIONS)
            .build();
    FeedTokens tokens = new FeedTokens(o.users());
    HttpConfig http =
        tokens.configure(HttpConfig.builder().port(o.httpPort()).staticDir(o.web())).build();
    ServedDatabase served = ServedDatabase.start(db, o.wirePort(), http);
    ScheduledExecutorService writing = null;
    try {
      served.db().execute(TABLE);
      served.db().execute(TRIGGER);
      if (o.writeEveryMillis() > 0) {
        writing = startWriter(served.jdbcUrl("feed"), o.users(), o.writeEveryMillis());
      }
    } catch (RuntimeException | SQLException e) {
      served.close();
      throw e;
    }
    return new ActivityFeed(served, tokens, writing);
  }

  /** An {@link ActivityWriter} on a thread of its own, with its own wire connection. */
  private static ScheduledExecutorService startWriter(String jdbcUrl, int users, int everyMillis)
      throws SQLException {
    ActivityWriter writer = new ActivityWriter(jdbcUrl);
    ScheduledExecutorService writing =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "activity-writer");
              t.setDaemon(true);
              return t;
            });
    writing.scheduleAtFixedRate(
        () -> {
          try {
            writer.recordRandom(users);
          } catch (SQLException e) {
            System.err.println("activity-writer: " + e.getMessage());
          }
        },
        everyMillis,
        everyMillis,
        TimeUnit.MILLISECONDS);
    return writing;
  }

  FeedTokens tokens() {
    return tokens;
  }

  /** The page following {@code user}'s feed, with the user's token in its URL. */
  String feedPageUrl(int user) {
    return served.httpUrl("/feed.html?user=" + user + "&token=" + tokens.token(user));
  }

  /** {@code http://127.0.0.1:PORT} followed by {@code pathAndQuery}. */
  String httpUrl(String pathAndQuery) {
    return served.httpUrl(pathAndQuery);
  }

  String jdbcUrl() {
    return served.jdbcUrl("feed");
  }

  @Override
  public void close() {
    try {
      if (writing != null) {
        writing.shutdownNow();
      }
    } finally {
      served.close();
    }
  }

  /**
   * {@code --db FILE} (activity.db), {@code --port N} (54320), {@code --http-port N} (54321),
   * {@code --users N} (3), {@code --every-ms N} (1500; 0: no writer), {@code --web DIR}.
   */
  public static void main(String[] args) throws Exception {
    Options options;
    try {
      Flags f =
          new Flags(
              args, Set.of("--db", "--port", "--http-port", "--users", "--every-ms", "--web"));
      options =
          new Options(
              Path.of(f.get("--db", "activity.db")).toAbsolutePath(),
              f.integer("--port", WireServer.Options.DEFAULT_PORT),
              f.integer("--http-port", HttpConfig.DEFAULT_PORT),
              f.directory("--web", "examples/activity-feed/web", "activity-feed/web"),
              f.integer("--users", 3),
              f.integer("--every-ms", 1500));
    } catch (IllegalArgumentException e) {
      System.err.println("activity-feed: " + e.getMessage());
      System.exit(2);
      return;
    }
    ActivityFeed feed;
    try {
      feed = start(options);
    } catch (Exception e) {
      // A port in use (java.net.BindException) or a database that cannot be opened.
      System.err.println("activity-feed: cannot start: " + e);
      System.exit(1);
      return;
    }
    CountDownLatch stopped = ServedDatabase.closeOnExit(feed);
    System.out.println(
        "activity-feed: " + options.database() + ", PostgreSQL at " + feed.jdbcUrl());
    for (int user : feed.tokens().users()) {
      System.out.println("activity-feed: user " + user + ": open " + feed.feedPageUrl(user));
    }
    System.out.println("activity-feed: (tokens are new on every start; Ctrl-C stops)");
    stopped.await();
  }
}
