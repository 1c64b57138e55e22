package io.heliosdb.nano.session;

import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.engine.CommittedBatch;
import io.heliosdb.nano.engine.EngineConnection;
import io.heliosdb.nano.engine.PendingEntry;
import io.heliosdb.nano.engine.SessionView;
import io.heliosdb.nano.engine.SqliteOpener;
import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.notify.Hub;
import io.heliosdb.nano.notify.HubRegistry;
import io.heliosdb.nano.notify.Mailbox;
import io.heliosdb.nano.notify.Message;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.sqlite.SQLiteConnection;

/**
 * A connection's state above SQLite: its process id, its LISTEN set and mailbox, and the hand-over
 * of committed notifications to the hub. Knows no wire format; the JDBC driver, the Java API and
 * the wire server all drive sessions the same way: {@link #beforeStatement()}, run the statement,
 * {@link #afterStatement(boolean)}.
 */
public final class Session implements SessionView, AutoCloseable {
  private final HubRegistry.Shared shared;
  private final Hub hub;
  private final String url;

  /**
   * The SQLite connection; null until the first statement that needs it when the session was opened
   * lazily ({@link #openLazily}), so a session that only listens holds no connection.
   */
  private EngineConnection engine;

  /** Asked before the SQLite connection opens and told when it closes; null when eager. */
  private final ConnectionGate gate;

  /** Created at the first LISTEN: a session that never listens costs the hub nothing. */
  private volatile Mailbox mailbox;

  private volatile Runnable arrivalSignal;

  /** What current_user and current_setting() read: a front end's, else the embedded ones. */
  private volatile String user = EmbeddedSettings.user();

  private volatile Function<String, String> settings;

  private volatile BiFunction<String, String, String> setSettings;

  /** What current_setting() and set_config() use embedded; RESET and DISCARD ALL reset it. */
  private final EmbeddedSettings embedded = new EmbeddedSettings();

  /** The advisory locks it holds; {@link #cancelWaits} reaches them from any thread. */
  private final AdvisoryLocks locks;

  /** WARNINGs of the running statement (an unlock of a lock not held), for its JDBC statement. */
  private SQLWarning warnings;

  private final int pid;

  /** Opens the connection the SQL consumer functions claim on; set by the front end. */
  private volatile ConnectionOpener consumerConnections;

  /** Created at the first call of a consumer function in this session. */
  private SessionConsumers consumers;

  private PreparedStatement listenStatement;
  private PreparedStatement notifyStatement;
  private boolean closed;

  private Session(HubRegistry.Shared shared, String url, ConnectionGate gate) throws SQLException {
    this.shared = shared;
    this.url = url;
    this.gate = gate;
    this.hub = shared.hub();
    this.pid = Hub.nextPid();
    this.locks = new AdvisoryLocks(shared.key(), pid);
    this.settings = embedded::get;
    this.setSettings = embedded::set;
    if (gate == null) {
      this.engine = SqliteOpener.open(shared.config(), url, hub, this);
    }
  }

  /** Opens a session on {@code db}; the session holds its own reference to the database's hub. */
  public static Session open(Database db) throws SQLException {
    return open(db, null);
  }

  /**
   * Opens a session on {@code db} whose SQLite connection opens at the first statement that needs
   * it, after {@code gate} allows it: LISTEN, UNLISTEN and a NOTIFY outside a transaction on a
   * channel that is not logged run on the hub alone.
   */
  public static Session openLazily(Database db, ConnectionGate gate) throws SQLException {
    return open(db, java.util.Objects.requireNonNull(gate));
  }

  private static Session open(Database db, ConnectionGate gate) throws SQLException {
    HubRegistry.Shared shared = db.acquireHub();
    try {
      return new Session(shared, db.url(), gate);
    } catch (SQLException | RuntimeException e) {
      HubRegistry.release(shared);
      throw e;
    }
  }

  /** Whether the SQLite connection is open (a lazy session's opens at first need). */
  public synchronized boolean hasConnection() {
    return engine != null;
  }

  /** The engine connection, opened now if the session is lazy and has none yet. */
  private synchronized EngineConnection engine() throws SQLException {
    if (engine == null) {
      if (closed) {
        throw new HeliosSqlException(SqlState.CONNECTION_DOES_NOT_EXIST, "connection is closed");
      }
      gate.opening();
      try {
        engine = SqliteOpener.open(shared.config(), url, hub, this);
      } catch (SQLException e) {
        gate.closed();
        throw HeliosSqlException.translate(e);
      } catch (RuntimeException e) {
        gate.closed();
        throw e;
      }
    }
    return engine;
  }

  /** Whether SQLite has a transaction open; false without a connection. */
  private synchronized boolean engineInTransaction() throws SQLException {
    return engine != null && engine.inTransaction();
  }

  @Override
  public int pid() {
    return pid;
  }

  public HeliosConfig config() {
    return shared.config();
  }

  /** The SQLite connection underneath; statements on it must be bracketed by this session. */
  public SQLiteConnection sqlite() throws SQLException {
    return engine().sqlite();
  }

  /** Call before each statement of the user's. */
  public void beforeStatement() throws SQLException {
    beforeStatement(false);
  }

  /**
   * Call before each statement of the user's.
   *
   * @param writesRows the statement is an INSERT, UPDATE, DELETE or REPLACE ({@link
   *     Command#writesRows()}): its triggers' notifications need no bookkeeping row
   */
  public void beforeStatement(boolean writesRows) throws SQLException {
    locks.clearCancel();
    warnings = null;
    engine().beginStatement(writesRows);
  }

  /** Call after each statement of the user's; hands committed notifications to the hub. */
  public void afterStatement(boolean threw) throws SQLException {
    if (threw && hasConnection()) {
      engine.statementFailed();
    }
    afterCall(threw);
  }

  /** Call after any other call that may end a transaction (ResultSet.next, close, commit, ...). */
  public void afterCall(boolean threw) throws SQLException {
    if (hasConnection()) {
      publish(engine.afterCall(threw));
    }
    if (locks.holdsTransactionLevel() && !engineInTransaction()) {
      locks.releaseTransactionLevel(); // COMMIT, ROLLBACK, or the end of an autocommit statement
    }
  }

  /**
   * A transaction ended through JDBC ({@code commit()}, {@code rollback()}): with auto-commit off
   * the driver begins the next one at once, so {@link #afterCall} cannot see the end.
   */
  public void transactionEnded() {
    locks.releaseTransactionLevel();
  }

  /**
   * Stops what the running statement waits for in the session (an advisory lock); any thread. The
   * statement's own SQLite work is stopped by its {@code Statement.cancel()}.
   */
  public void cancelWaits() {
    locks.cancel();
  }

  /** The WARNINGs of the last statement, chained, or null; taken once. */
  public SQLWarning takeWarnings() {
    SQLWarning w = warnings;
    warnings = null;
    return w;
  }

  private void warn(String message) {
    SQLWarning w = new SQLWarning(message, SqlState.WARNING.code());
    if (warnings == null) {
      warnings = w;
    } else {
      warnings.setNextWarning(w);
    }
  }

  private void publish(List<CommittedBatch> batches) {
    for (int i = 0; i < batches.size(); i++) {
      CommittedBatch b = batches.get(i);
      hub.publish(b.ticket(), pid, mailbox, b.entries());
    }
  }

  /** A SAVEPOINT is about to run (SQL or JDBC): later notifications must be journaled. */
  public void savepointOpened() throws SQLException {
    engine().savepointOpened();
  }

  /** A ROLLBACK TO ran (or is about to): survival of pending notifications must be re-read. */
  public void savepointRolledBack() throws SQLException {
    engine().savepointRolledBack();
  }

  /**
   * Runs a statement the session handles itself ({@link Command#isSessionStatement()}): LISTEN,
   * UNLISTEN or NOTIFY as part of the current transaction, or housekeeping ({@link
   * SessionHousekeeping}).
   */
  public void run(Command c) throws SQLException {
    switch (c.type()) {
      case LISTEN -> {
        if (!hub.mayListen(c.channel())) {
          throw new HeliosSqlException(
              SqlState.PROGRAM_LIMIT_EXCEEDED,
              "too many channels: max_channels = " + config().maxChannels() + " reached");
        }
        if (mailbox == null) {
          mailbox = hub.newMailbox(null, null);
          mailbox.setArrivalSignal(arrivalSignal);
          mailbox.setOwnerPid(pid);
        }
        listenAction("LISTEN", c.channel());
      }
      case UNLISTEN -> listenAction("UNLISTEN", c.channel());
      case UNLISTEN_ALL -> listenAction("UNLISTEN_ALL", null);
      case NOTIFY -> notify(c.channel(), c.payload());
      default -> SessionHousekeeping.run(this, c);
    }
  }

  /** {@code pg_notify(channel, payload)} in the current transaction (its own in autocommit). */
  public void notify(String channel, String payload) throws SQLException {
    HeliosConfig config = config();
    if (config.pubsubEnabled()
        && !config.loggedChannels().matches(channel)
        && !engineInTransaction()) {
      // Its own transaction, with nothing to write: it commits at once, so it goes straight to
      // the hub (in commit order like any other) without a SQLite transaction of its own.
      String problem =
          EngineConnection.notifyArgumentProblem(channel, payload, config.maxPayloadBytes());
      if (problem != null) {
        throw new HeliosSqlException(SqlState.INVALID_PARAMETER_VALUE, problem);
      }
      hub.publishNow(pid, channel, payload);
      return;
    }
    if (notifyStatement == null) {
      notifyStatement = engine().sqlite().prepareStatement("SELECT pg_notify(?, ?)");
    }
    notifyStatement.setString(1, channel);
    notifyStatement.setString(2, payload);
    try {
      runInternal(notifyStatement);
    } catch (SQLException e) {
      // sqlite-jdbc finalizes a statement that fails with a plain SQLITE_ERROR (as an error
      // raised inside pg_notify() is): prepare a new one next time.
      notifyStatement.close();
      notifyStatement = null;
      throw e;
    }
  }

  private void listenAction(String kind, String channel) throws SQLException {
    if (config().pubsubEnabled() && !engineInTransaction()) {
      // Its own transaction: it commits at once, so it goes to the hub in commit order (a ticket
      // of its own) without a SQLite transaction.
      PendingEntry change = new PendingEntry(0, PendingEntry.Kind.valueOf(kind), channel, null, 0);
      hub.publish(hub.nextTicket(), pid, mailbox, List.of(change));
      return;
    }
    if (listenStatement == null) {
      listenStatement = engine().sqlite().prepareStatement("SELECT _heliosdb_listen(?, ?)");
    }
    listenStatement.setString(1, kind);
    listenStatement.setString(2, channel);
    try {
      runInternal(listenStatement);
    } catch (SQLException e) {
      listenStatement.close(); // as in notify()
      listenStatement = null;
      throw e;
    }
  }

  private void runInternal(PreparedStatement ps) throws SQLException {
    beforeStatement();
    boolean threw = true;
    try {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          // step to the end so that an autocommit transaction commits now
        }
      }
      threw = false;
    } catch (SQLException e) {
      throw HeliosSqlException.translate(e);
    } finally {
      afterStatement(threw);
    }
  }

  /** Channels this session listens to (committed LISTENs), sorted. */
  public List<String> listeningChannels() {
    return mailbox == null ? List.of() : hub.channelsOf(mailbox);
  }

  @Override
  public String listeningChannelsJson() {
    StringBuilder b = new StringBuilder("[");
    for (String c : listeningChannels()) {
      if (b.length() > 1) {
        b.append(',');
      }
      Json.appendQuoted(b, c);
    }
    return b.append(']').toString();
  }

  @Override
  public double notificationQueueUsage() {
    return hub.queueUsage();
  }

  @Override
  public boolean advisoryLock(
      long key, boolean pair, boolean sharedMode, boolean xact, boolean wait) throws SQLException {
    long waitMillis =
        wait ? AdvisoryLocks.waitMillis(setting("lock_timeout"), config().busyTimeoutMs()) : -1;
    return locks.lock(key, pair, sharedMode, xact, waitMillis);
  }

  @Override
  public boolean advisoryUnlock(long key, boolean pair, boolean sharedMode) {
    if (locks.unlock(key, pair, sharedMode)) {
      return true;
    }
    warn("you don't own a lock of type " + (sharedMode ? "ShareLock" : "ExclusiveLock"));
    return false;
  }

  @Override
  public void advisoryUnlockAll() {
    locks.unlockAllSessionLevel();
  }

  EmbeddedSettings embeddedSettings() {
    return embedded;
  }

  @Override
  public String user() {
    return user;
  }

  @Override
  public String setting(String name) {
    return settings.apply(name);
  }

  @Override
  public String setSetting(String name, String value) {
    return setSettings.apply(name, value);
  }

  /**
   * A front end's session parameters: the user {@code current_user} names, the lookup {@code
   * current_setting(name)} reads (returning null for an unknown parameter) and what {@code
   * set_config(name, value, is_local)} calls (returning the value set, or throwing
   * IllegalArgumentException with the message for a refused value).
   */
  public void parameters(
      String user, Function<String, String> settings, BiFunction<String, String, String> set) {
    this.user = user;
    this.settings = settings;
    this.setSettings = set;
  }

  /** Opens a JDBC connection to the same database, with HeliosDB's semantics. */
  @FunctionalInterface
  public interface ConnectionOpener {
    java.sql.Connection open() throws SQLException;
  }

  /**
   * How this session opens the second connection on which {@code heliosdb_claim()} and {@code
   * heliosdb_nack()} commit on their own, whatever the session's transaction does.
   */
  public void consumerConnections(ConnectionOpener opener) {
    this.consumerConnections = opener;
  }

  @Override
  public String claim(String consumer, int max) throws SQLException {
    return consumers().claim(consumer, max);
  }

  @Override
  public String nack(String consumer, long id, String error) throws SQLException {
    return consumers().nack(consumer, id, error);
  }

  @Override
  public long createConsumer(String name, String channels, String startAt) throws SQLException {
    return consumers().create(name, channels, startAt);
  }

  @Override
  public boolean dropConsumer(String name) throws SQLException {
    return consumers().drop(name);
  }

  private synchronized SessionConsumers consumers() {
    if (consumers == null) {
      consumers = new SessionConsumers(consumerConnections, pid, config());
    }
    return consumers;
  }

  /** The next notification for this session, waiting up to the timeout; null if none. */
  public Message poll(long timeout, TimeUnit unit) throws InterruptedException {
    Mailbox box = mailbox;
    if (box == null) {
      unit.sleep(timeout); // nothing can arrive before a LISTEN; wait as asked, like pgjdbc
      return null;
    }
    return box.poll(timeout, unit);
  }

  /**
   * A callback for each notification queued for this session, run on the committing thread; it must
   * be quick and not block (e.g. schedule a task that polls). Null removes it.
   */
  public void onNotification(Runnable signal) {
    arrivalSignal = signal;
    Mailbox box = mailbox;
    if (box != null) {
      box.setArrivalSignal(signal);
    }
  }

  /**
   * Whether SQLite has a transaction open on this connection (BEGIN, SAVEPOINT, autocommit off).
   */
  public boolean inTransaction() throws SQLException {
    return engineInTransaction();
  }

  /** The next queued notification, or null at once. */
  public Message poll() {
    Mailbox box = mailbox;
    return box == null ? null : box.poll();
  }

  /** Whether the queue dropped notifications no queued marker reports yet (any thread). */
  public boolean isNotificationQueueOverflowing() {
    Mailbox box = mailbox;
    return box != null && box.isOverflowing();
  }

  public boolean isClosed() {
    return closed;
  }

  /** Gives back what this session claimed and not acknowledged: its client is gone. */
  private synchronized void closeConsumers() {
    if (consumers != null) {
      consumers.close();
      consumers = null;
    }
  }

  @Override
  public void close() throws SQLException {
    if (closed) {
      return;
    }
    closed = true;
    if (mailbox != null) {
      mailbox.close();
    }
    try {
      // The session's connection first: closing it rolls back an open transaction, whose write
      // lock would otherwise make the claims' release below wait out the busy timeout and fail.
      EngineConnection e;
      synchronized (this) {
        e = engine;
      }
      if (e != null) {
        try {
          publish(e.close());
        } finally {
          if (gate != null) {
            gate.closed();
          }
        }
      }
    } finally {
      locks.releaseAll();
      closeConsumers();
      HubRegistry.release(shared);
    }
  }
}
