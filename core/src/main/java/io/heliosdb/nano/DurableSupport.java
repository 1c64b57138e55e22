package io.heliosdb.nano;

import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.metrics.MetricsTracker;
import io.heliosdb.nano.session.ConsumerStore;
import io.heliosdb.nano.session.Database;
import io.heliosdb.nano.session.DurableReader;
import io.heliosdb.nano.session.DurableRetention;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a database with durable channels needs beyond SQL: a connection that publishes {@link
 * PubSub#notify} on durable channels (so the log row commits with it), readers for resuming
 * subscribers, and retention applied every few seconds on a daemon thread.
 */
final class DurableSupport implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DurableSupport.class);
  private static final long RETENTION_PERIOD_SECONDS = 10;
  private static final long CONSUMER_LAG_PERIOD_SECONDS = 2;

  private final Database database;
  private final HeliosConfig config;
  private final ScheduledExecutorService retention;
  private HeliosConnection connection;
  private boolean closed;

  DurableSupport(Database database, HeliosConfig config) {
    this.database = database;
    this.config = config;
    this.retention =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "heliosdb-retention");
              t.setDaemon(true);
              return t;
            });
    retention.scheduleWithFixedDelay(
        this::pruneQuietly, RETENTION_PERIOD_SECONDS, RETENTION_PERIOD_SECONDS, TimeUnit.SECONDS);
    if (config.metrics() != MetricsTracker.NOOP) {
      retention.scheduleWithFixedDelay(
          this::reportConsumerLags,
          CONSUMER_LAG_PERIOD_SECONDS,
          CONSUMER_LAG_PERIOD_SECONDS,
          TimeUnit.SECONDS);
    }
  }

  /** Reports each durable consumer's lag to the metrics (every consumer on the file). */
  private synchronized void reportConsumerLags() {
    try {
      ConsumerStore.lags(connection()).forEach(config.metrics()::consumerLag);
    } catch (SQLException | RuntimeException e) {
      log.debug("consumer lag not read: {}", e.getMessage());
    }
  }

  boolean isDurable(String channel) {
    return config.durableChannels().matches(channel);
  }

  /** Whether a notification on {@code channel} is written to the log (durable or cross-process). */
  boolean isLogged(String channel) {
    return config.loggedChannels().matches(channel);
  }

  /** Publishes in its own transaction, through SQL, so the log row and delivery go together. */
  synchronized void publish(String channel, String payload) {
    try {
      connection().notify(channel, payload);
    } catch (SQLException e) {
      throw HeliosException.wrap(e);
    }
  }

  /** A reader over the log for {@code channels}, on a connection of its own. */
  DurableReader reader(List<String> channels) {
    try {
      HeliosConnection c = ConnectionHandler.open(database);
      try {
        return new DurableReader(c, channels);
      } catch (SQLException | RuntimeException e) {
        c.close();
        throw e;
      }
    } catch (SQLException e) {
      throw HeliosException.wrap(e);
    }
  }

  /** Applies retention now; returns how many notifications were removed. */
  synchronized int pruneNow() throws SQLException {
    int removed = DurableRetention.prune(connection(), config, Instant.now());
    if (config.metrics() != MetricsTracker.NOOP) {
      long[] stats = DurableRetention.stats(connection());
      config.metrics().durableLogChanged(stats[0], stats[1], stats[2]);
    }
    return removed;
  }

  private void pruneQuietly() {
    try {
      pruneNow();
    } catch (SQLException | RuntimeException e) {
      // Busy with a long writer, or closing: the next round tries again.
      log.debug("durable log retention deferred: {}", e.getMessage());
    }
  }

  private HeliosConnection connection() throws SQLException {
    if (closed) {
      throw new SQLException("database is closed", "08003");
    }
    if (connection == null) {
      connection = ConnectionHandler.open(database);
    }
    return connection;
  }

  @Override
  public void close() {
    retention.shutdownNow();
    synchronized (this) {
      closed = true;
      if (connection != null) {
        try {
          connection.close();
        } catch (SQLException e) {
          log.debug("closing the durable log connection", e);
        }
      }
    }
  }
}
