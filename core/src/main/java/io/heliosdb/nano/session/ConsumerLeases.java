package io.heliosdb.nano.session;

import io.heliosdb.nano.config.ConsumerSettings;
import io.heliosdb.nano.engine.ConsumerTables;
import io.heliosdb.nano.engine.DurableLog;
import io.heliosdb.nano.session.ConsumerStore.Claimed;
import io.heliosdb.nano.session.ConsumerStore.Outcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of claims, run by {@link ConsumerStore} inside its write transactions: who holds which
 * notification of a consumer until when, after how many attempts; and the consumer's position, kept
 * just before its oldest open claim. Statements are prepared once per store.
 */
final class ConsumerLeases implements AutoCloseable {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger("io.heliosdb.nano.DurableConsumer");
  private static final String STATE = ConsumerTables.STATE;
  private static final String CLAIMS = ConsumerTables.CLAIMS;
  private static final String LOG = DurableLog.TABLE;

  private final Connection conn;
  private final DeadLetters deadLetters;
  private final List<PreparedStatement> prepared = new ArrayList<>();
  private PreparedStatement state;
  private PreparedStatement due;
  private PreparedStatement take;
  private PreparedStatement fresh;
  private PreparedStatement insert;
  private PreparedStatement maxId;
  private PreparedStatement claimedUpTo;
  private PreparedStatement advance;
  private PreparedStatement fetch;

  ConsumerLeases(Connection conn, int maxPayloadBytes) {
    this.conn = conn;
    this.deadLetters = new DeadLetters(conn, maxPayloadBytes, this::advance);
  }

  private PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement ps = conn.prepareStatement(sql);
    prepared.add(ps);
    return ps;
  }

  private void prepareClaim() throws SQLException {
    if (state != null) {
      return;
    }
    state =
        prepare(
            "SELECT channels, claimed_up_to, lease_ms, max_attempts FROM "
                + STATE
                + " WHERE name = ?");
    due =
        prepare(
            "SELECT id, attempts, worker FROM "
                + CLAIMS
                + " WHERE consumer = ? AND lease_until <= ? AND not_before <= ? ORDER BY id LIMIT ?");
    take =
        prepare(
            "UPDATE "
                + CLAIMS
                + " SET worker = ?, lease_until = ?, attempts = ? WHERE consumer = ? AND id = ?");
    fresh =
        prepare(
            "SELECT id FROM "
                + LOG
                + " WHERE id > ? AND channel IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT ?");
    insert =
        prepare(
            "INSERT INTO "
                + CLAIMS
                + "(consumer, id, worker, lease_until, attempts) VALUES (?, ?, ?, ?, 1)");
    maxId = prepare("SELECT coalesce(max(id), 0) FROM " + LOG);
    claimedUpTo = prepare("UPDATE " + STATE + " SET claimed_up_to = ? WHERE name = ?");
    advance =
        prepare(
            "UPDATE "
                + STATE
                + " SET position = coalesce((SELECT min(id) - 1 FROM "
                + CLAIMS
                + " WHERE consumer = ?1), claimed_up_to) WHERE name = ?1");
    fetch =
        prepare(
            "SELECT n.id, n.channel, n.payload, n.sender_pid, n.committed_at, c.attempts FROM "
                + CLAIMS
                + " c JOIN "
                + LOG
                + " n ON n.id = c.id WHERE c.consumer = ? AND c.worker = ? AND c.lease_until = ?"
                + " ORDER BY c.id");
  }

  List<Claimed> claim(String consumer, String worker, int max, long now) throws SQLException {
    prepareClaim();
    state.setString(1, consumer);
    String channels;
    long upTo;
    long leaseMs;
    int maxAttempts;
    try (ResultSet rs = state.executeQuery()) {
      if (!rs.next()) {
        throw ConsumerStore.unknown(consumer);
      }
      channels = rs.getString(1);
      upTo = rs.getLong(2);
      leaseMs = rs.getLong(3);
      maxAttempts = rs.getInt(4);
    }
    long leaseUntil = now + leaseMs;
    int taken = 0;
    List<long[]> expired = new ArrayList<>();
    java.util.Set<String> holders = new java.util.HashSet<>();
    due.setString(1, consumer);
    due.setLong(2, now);
    due.setLong(3, now);
    due.setInt(4, max);
    try (ResultSet rs = due.executeQuery()) {
      while (rs.next()) {
        long attempts = rs.getInt(2);
        String holder = rs.getString(3);
        // A lease ran out on a whole batch, but its worker was on one notification only, the
        // batch's lowest it still held (it handles them in id order): the others' attempt did not
        // happen, and does not count (as in freeHeldBy).
        if (!holder.isEmpty() && !holders.add(holder)) {
          attempts = Math.max(attempts - 1, 0);
        }
        expired.add(new long[] {rs.getLong(1), attempts});
      }
    }
    for (long[] e : expired) {
      if (e[1] >= maxAttempts) {
        log.warn(
            "consumer {}: notification {} dead-lettered: the lease ran out on its last attempt",
            consumer,
            e[0]);
        deadLetters.send(
            consumer,
            e[0],
            (int) e[1],
            "the lease ran out on the last attempt: its worker stopped or took longer than the"
                + " lease");
        continue;
      }
      take.setString(1, worker);
      take.setLong(2, leaseUntil);
      take.setLong(3, e[1] + 1);
      take.setString(4, consumer);
      take.setLong(5, e[0]);
      take.executeUpdate();
      taken++;
    }
    if (taken < max) {
      fresh.setLong(1, upTo);
      fresh.setString(2, channels);
      fresh.setInt(3, max - taken);
      List<Long> ids = new ArrayList<>();
      try (ResultSet rs = fresh.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
      for (long id : ids) {
        insert.setString(1, consumer);
        insert.setLong(2, id);
        insert.setString(3, worker);
        insert.setLong(4, leaseUntil);
        insert.executeUpdate();
      }
      // Under the write lock every committed id is visible: with fewer than asked, nothing of
      // these channels is left, and the other channels' rows up to the newest need no rescan.
      long newUpTo =
          ids.size() < max - taken ? Math.max(upTo, single(maxId)) : ids.get(ids.size() - 1);
      if (newUpTo != upTo) {
        claimedUpTo.setLong(1, newUpTo);
        claimedUpTo.setString(2, consumer);
        claimedUpTo.executeUpdate();
        advance(consumer);
      }
    }
    List<Claimed> claimed = new ArrayList<>();
    fetch.setString(1, consumer);
    fetch.setString(2, worker);
    fetch.setLong(3, leaseUntil);
    try (ResultSet rs = fetch.executeQuery()) {
      while (rs.next()) {
        claimed.add(
            new Claimed(
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                rs.getInt(4),
                rs.getString(5),
                rs.getInt(6)));
      }
    }
    return claimed;
  }

  private void advance(String consumer) throws SQLException {
    advance.setString(1, consumer);
    advance.executeUpdate();
  }

  Outcome fail(String consumer, long id, String worker, String error, long now)
      throws SQLException {
    prepareClaim();
    int attempts;
    int maxAttempts;
    long backoff;
    long backoffMax;
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT c.attempts, s.max_attempts, s.backoff_ms, s.backoff_max_ms FROM "
                + CLAIMS
                + " c JOIN "
                + STATE
                + " s ON s.name = c.consumer WHERE c.consumer = ? AND c.id = ? AND c.worker = ?")) {
      ps.setString(1, consumer);
      ps.setLong(2, id);
      ps.setString(3, worker);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          state.setString(1, consumer);
          try (ResultSet known = state.executeQuery()) {
            if (!known.next()) {
              throw ConsumerStore.unknown(consumer);
            }
          }
          return Outcome.NOT_CLAIMED;
        }
        attempts = rs.getInt(1);
        maxAttempts = rs.getInt(2);
        backoff = rs.getLong(3);
        backoffMax = rs.getLong(4);
      }
    }
    if (attempts >= maxAttempts) {
      deadLetters.send(consumer, id, attempts, error);
      return Outcome.DEAD_LETTER;
    }
    try (PreparedStatement ps =
        conn.prepareStatement(
            "UPDATE "
                + CLAIMS
                + " SET worker = '', lease_until = 0, not_before = ?, last_error = ?"
                + " WHERE consumer = ? AND id = ?")) {
      ps.setLong(1, now + ConsumerSettings.backoffMillis(backoff, backoffMax, attempts));
      ps.setString(2, error);
      ps.setString(3, consumer);
      ps.setLong(4, id);
      ps.executeUpdate();
    }
    return Outcome.RETRY;
  }

  /** The workers holding live claims of {@code consumer}. */
  List<String> holders(String consumer) throws SQLException {
    List<String> workers = new ArrayList<>();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT DISTINCT worker FROM "
                + CLAIMS
                + " WHERE consumer = ? AND worker <> '' AND lease_until > ?")) {
      ps.setString(1, consumer);
      ps.setLong(2, System.currentTimeMillis());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          workers.add(rs.getString(1));
        }
      }
    }
    return workers;
  }

  /**
   * Frees the claims of {@code consumer} that {@code worker} (gone) holds. The attempt counts for
   * the one it was handling only, the lowest id it held: a worker handles its batch in id order
   * (ConsumerWorker does; a wire client that does not may have the attempt counted on another of
   * its batch), and the notifications it had not started on were not attempted (else a process
   * killed a few times while holding a batch would dead-letter notifications that never ran).
   */
  int freeHeldBy(String consumer, String worker) throws SQLException {
    long inHand;
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT min(id) FROM " + CLAIMS + " WHERE consumer = ? AND worker = ?")) {
      ps.setString(1, consumer);
      ps.setString(2, worker);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        inHand = rs.getLong(1);
        if (rs.wasNull()) {
          return 0;
        }
      }
    }
    try (PreparedStatement ps =
        conn.prepareStatement(
            "UPDATE "
                + CLAIMS
                + " SET worker = '', lease_until = 0, attempts = CASE WHEN id = ?3 THEN attempts"
                + " ELSE max(attempts - 1, 0) END WHERE consumer = ?1 AND worker = ?2")) {
      ps.setString(1, consumer);
      ps.setString(2, worker);
      ps.setLong(3, inHand);
      return ps.executeUpdate();
    }
  }

  /** Frees every claim {@code worker} holds without counting the attempt. */
  void release(String worker) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "UPDATE "
                + CLAIMS
                + " SET worker = '', lease_until = 0, attempts = max(attempts - 1, 0)"
                + " WHERE worker = ?")) {
      ps.setString(1, worker);
      ps.executeUpdate();
    }
  }

  long millisUntilWork(String consumer, long now) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT EXISTS(SELECT 1 FROM "
                + LOG
                + " WHERE id > s.claimed_up_to AND channel IN (SELECT value FROM"
                + " json_each(s.channels))), (SELECT min(max(lease_until, not_before)) FROM "
                + CLAIMS
                + " WHERE consumer = s.name) FROM "
                + STATE
                + " s WHERE s.name = ?")) {
      ps.setString(1, consumer);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw ConsumerStore.unknown(consumer);
        }
        if (rs.getBoolean(1)) {
          return 0;
        }
        long next = rs.getLong(2);
        return rs.wasNull() ? Long.MAX_VALUE : Math.max(0, next - now);
      }
    }
  }

  private static long single(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  @Override
  public void close() throws SQLException {
    for (PreparedStatement ps : prepared) {
      ps.close();
    }
  }
}
