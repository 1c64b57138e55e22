package io.heliosdb.nano.session;

import io.heliosdb.nano.config.ConsumerSettings;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.metrics.MetricsTracker;
import io.heliosdb.nano.session.Session.ConnectionOpener;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the SQL consumer functions of one session do ({@code heliosdb_claim}, {@code heliosdb_nack},
 * {@code heliosdb_consumer_create}, {@code heliosdb_consumer_drop}): each commits at once on a
 * second connection of the session's, opened at the first call, whatever the session's own
 * transaction does. The session is the worker: what it claimed and did not acknowledge is given
 * back when it closes.
 */
final class SessionConsumers {
  private static final Logger log = LoggerFactory.getLogger(SessionConsumers.class);

  private final ConnectionOpener opener;
  private final int pid;
  private final HeliosConfig config;
  private ConsumerStore store;

  SessionConsumers(ConnectionOpener opener, int pid, HeliosConfig config) {
    this.opener = opener;
    this.pid = pid;
    this.config = config;
  }

  private ConsumerStore store() throws SQLException {
    if (store == null) {
      if (opener == null) {
        throw new HeliosSqlException(
            SqlState.FEATURE_NOT_SUPPORTED, "consumer functions are not available here");
      }
      store =
          new ConsumerStore(
              opener.open(), WorkerNames.of("session-" + pid), config.maxPayloadBytes());
    }
    return store;
  }

  /** {@code heliosdb_claim()}: the claimed notifications as a JSON array. */
  String claim(String consumer, int max) throws SQLException {
    List<ConsumerStore.Claimed> claimed;
    try {
      claimed = store().claim(consumer, max);
    } catch (SQLException e) {
      throw ownLockHint("heliosdb_claim", e);
    }
    StringBuilder b = new StringBuilder("[");
    for (ConsumerStore.Claimed c : claimed) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append("{\"id\":").append(c.id()).append(",\"channel\":");
      Json.appendQuoted(b, c.channel());
      b.append(",\"payload\":");
      Json.appendQuoted(b, c.payload());
      b.append(",\"sender_pid\":").append(c.senderPid());
      b.append(",\"attempt\":").append(c.attempt()).append('}');
    }
    return b.append(']').toString();
  }

  /** {@code heliosdb_nack()}: {@code retry}, {@code dead_letter} or {@code not_claimed}. */
  String nack(String consumer, long id, String error) throws SQLException {
    ConsumerStore.Outcome outcome;
    try {
      outcome = store().fail(consumer, id, error);
    } catch (SQLException e) {
      throw ownLockHint("heliosdb_nack", e);
    }
    // Committed already, like a Java worker's: counted alike. (An acknowledgement commits with the
    // caller's transaction, later or never: heliosdb_consumers.handled counts those.)
    if (outcome == ConsumerStore.Outcome.RETRY) {
      config.metrics().consumerOutcome(consumer, MetricsTracker.ConsumerOutcome.RETRIED);
    } else if (outcome == ConsumerStore.Outcome.DEAD_LETTER) {
      config.metrics().consumerOutcome(consumer, MetricsTracker.ConsumerOutcome.DEAD_LETTERED);
    }
    return outcome.name().toLowerCase(Locale.ROOT);
  }

  /** {@code heliosdb_consumer_create()}: the consumer's position. */
  long create(String name, String channels, String startAt) throws SQLException {
    ConsumerSettings.StartAt start;
    try {
      start = ConsumerSettings.StartAt.valueOf(startAt.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new HeliosSqlException(
          SqlState.INVALID_PARAMETER_VALUE,
          "start_at must be 'beginning' or 'end', not '" + startAt + "'");
    }
    List<String> list = new ArrayList<>();
    for (String c : channels.split(",")) {
      if (!c.isBlank()) {
        list.add(c.strip());
      }
    }
    return store()
        .create(
            name,
            list,
            ConsumerSettings.DEFAULTS.withStartAt(start),
            config.durableChannels(),
            false);
  }

  /** {@code heliosdb_consumer_drop()}: whether there was such a consumer. */
  boolean drop(String name) throws SQLException {
    try {
      return store().drop(name);
    } catch (SQLException e) {
      throw ownLockHint("heliosdb_consumer_drop", e);
    }
  }

  /**
   * A lock wait that ran out in a function committing on the second connection, with the likely
   * cause: that connection waits for the write lock like any other writer, also for the one this
   * session's own open transaction holds once it has written.
   */
  private static SQLException ownLockHint(String function, SQLException e) {
    SQLException t = HeliosSqlException.translate(e);
    if (!SqlState.LOCK_NOT_AVAILABLE.code().equals(t.getSQLState())) {
      return t;
    }
    return new HeliosSqlException(
        SqlState.LOCK_NOT_AVAILABLE,
        t.getMessage()
            + " ("
            + function
            + " commits at once on a connection of its own and waits for the write lock like any"
            + " writer, also for the one this session's open transaction holds after its first"
            + " write: call it outside BEGIN ... COMMIT, or before the transaction writes)",
        e);
  }

  /** Gives back what the session claimed and did not acknowledge, and closes the connection. */
  void close() {
    if (store == null) {
      return;
    }
    try (ConsumerStore s = store) {
      s.releaseAll();
    } catch (SQLException e) {
      // The leases run out instead.
      log.debug("could not give back the claims of session {}: {}", pid, e.getMessage());
    }
    store = null;
  }
}
