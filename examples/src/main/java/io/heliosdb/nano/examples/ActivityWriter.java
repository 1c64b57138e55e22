package io.heliosdb.nano.examples;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The application side of the activity feed: a separate PostgreSQL client (pgjdbc over the wire)
 * that records what users do. It knows nothing of feeds or HTTP; the trigger of {@link
 * ActivityFeed} turns each row into a notification on the user's channel. Alone:
 *
 * <pre>
 * ./examples/run activity-writer --url jdbc:postgresql://127.0.0.1:54320/feed --users 3
 * </pre>
 */
public final class ActivityWriter implements AutoCloseable {
  static final String INSERT = "INSERT INTO activities(user_id, kind, text) VALUES (?, ?, ?)";

  private static final List<String[]> SAMPLES =
      List.of(
          new String[] {"comment", "commented on \"Q3 roadmap\""},
          new String[] {"like", "liked your photo"},
          new String[] {"follow", "started following you"},
          new String[] {"mention", "mentioned you in #general"},
          new String[] {"order", "your order shipped"});

  private final Connection connection;
  private final PreparedStatement insert;
  private final Random random = new Random();

  ActivityWriter(String jdbcUrl) throws SQLException {
    this.connection = DriverManager.getConnection(jdbcUrl, "activity-writer", "");
    this.insert = connection.prepareStatement(INSERT);
  }

  /** Records one activity of {@code user} (autocommit: the notification goes out at once). */
  void record(int user, String kind, String text) throws SQLException {
    insert.setInt(1, user);
    insert.setString(2, kind);
    insert.setString(3, text);
    insert.executeUpdate();
  }

  /** Records a random activity for a random user of 1 to {@code users}. */
  void recordRandom(int users) throws SQLException {
    String[] sample = SAMPLES.get(random.nextInt(SAMPLES.size()));
    record(1 + random.nextInt(users), sample[0], sample[1]);
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }

  /** Writes a random activity every {@code --every-ms} (1500) for users 1 to {@code --users}. */
  public static void main(String[] args) throws Exception {
    Flags flags;
    String url;
    int users;
    int everyMillis;
    try {
      flags = new Flags(args, Set.of("--url", "--users", "--every-ms"));
      url = flags.get("--url", "jdbc:postgresql://127.0.0.1:54320/feed");
      users = flags.integer("--users", 3);
      everyMillis = flags.integer("--every-ms", 1500);
    } catch (IllegalArgumentException e) {
      System.err.println("activity-writer: " + e.getMessage());
      System.exit(2);
      return;
    }
    try (ActivityWriter writer = new ActivityWriter(url)) {
      System.out.println("activity-writer: writing to " + url + " (Ctrl-C stops)");
      while (true) {
        writer.recordRandom(users);
        Thread.sleep(everyMillis); // pacing a demo, not waiting for a result
      }
    }
  }
}
