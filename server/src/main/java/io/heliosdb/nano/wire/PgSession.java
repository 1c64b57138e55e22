package io.heliosdb.nano.wire;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.HeliosException;
import io.heliosdb.nano.Notification;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.wire.limits.SessionLimits;
import io.heliosdb.nano.wire.messages.BackendMessages;
import io.heliosdb.nano.wire.messages.FrontendMessage;
import io.heliosdb.nano.wire.messages.Severity;
import io.heliosdb.nano.wire.messages.TransactionStatus;
import io.heliosdb.nano.wire.sql.QuickStatements;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's session after its StartupMessage: a {@link HeliosConnection}, the transaction
 * status, and the delivery of notifications. The event loop only enqueues; every JDBC call and
 * every write of a response runs on the session's serial executor, so responses keep the order of
 * the requests.
 *
 * <pre>
 * startup:  AuthenticationOk, ParameterStatus*, BackendKeyData, ReadyForQuery 'I'
 * Query:    (RowDescription DataRow* | ) CommandComplete ... | ErrorResponse | EmptyQueryResponse,
 *           then, when idle, NotificationResponse* (own NOTIFY included), then ReadyForQuery
 * idle:     NotificationResponse* as soon as another session's transaction commits
 * extended: ParseComplete, BindComplete, ParameterDescription, RowDescription | NoData, DataRow*
 *           CommandComplete | PortalSuspended, CloseComplete (see {@link ExtendedQuery}); after an
 *           error, messages discarded until Sync; Sync: NotificationResponse* when idle, then
 *           ReadyForQuery
 * </pre>
 *
 * Notifications are never written while the session is in a transaction block ('T' or 'E'): they
 * wait in the connection's bounded queue until the block ends. Nor while the channel is over its
 * high-water mark: a drain follows when it becomes writable.
 */
final class PgSession {
  private static final Logger log = LoggerFactory.getLogger(PgSession.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Queries waiting in the executor before the channel stops reading from the client. */
  private static final int MAX_BACKLOG = 32;

  static final String SERVER_VERSION = "15.0 (HeliosDB Nano)";

  private final Channel channel;
  private final HeliosDB db;
  private final SessionRegistry registry;
  private final SerialExecutor executor;
  private final ChannelOutput out;
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final Object backlogLock = new Object();
  private int backlog;
  private volatile boolean closed;
  private final SessionLimits limits;
  private final PreparedMemory prepared;
  private final IdleTimeout idle;
  private volatile ListenerStall stall;

  /** Set on the event loop when a timeout or a stall ends the session: nothing runs after it. */
  private volatile boolean terminating;

  private volatile QueryRunner runner;
  private ExtendedQuery extended;
  private volatile int pid;
  private volatile int secret;

  // Touched by executor tasks only.
  private HeliosConnection conn;
  private SessionSettings settings;
  private boolean discarding;
  private boolean released;

  PgSession(
      Channel channel,
      HeliosDB db,
      SessionRegistry registry,
      Executor workers,
      SessionLimits limits,
      PreparedMemory prepared) {
    this.channel = channel;
    this.limits = limits;
    this.prepared = prepared;
    this.idle = new IdleTimeout(channel, this::timedOut);
    this.db = db;
    this.registry = registry;
    this.out = new ChannelOutput(channel);
    // Inline on the event loop only behind every write of a worker (see ChannelOutput).
    this.executor = new SerialExecutor(workers, out::mayWriteOnEventLoop);
  }

  /** Opens the connection and greets the client; the session has been admitted. */
  void start(Map<String, String> parameters, boolean negotiate, List<String> unknownOptions) {
    enqueue(
        () -> {
          if (closed) {
            return;
          }
          try {
            // Lazy: a session that only listens and notifies never opens its SQLite connection.
            conn = db.connection(registry.connections());
          } catch (HeliosException e) {
            out.fatal(e.sqlState(), e.getMessage());
            return;
          }
          settings =
              new SessionSettings(
                  parameters.get("user"), parameters.getOrDefault("application_name", ""), limits);
          try {
            conn.setSessionParameters(
                parameters.get("user"), settings::current, settings::setConfig);
          } catch (SQLException e) {
            out.fatal(SqlState.INTERNAL_ERROR.code(), e.getMessage());
            return;
          }
          runner = new QueryRunner(conn, settings);
          extended =
              new ExtendedQuery(
                  conn,
                  runner,
                  settings,
                  prepared.session(),
                  registry.schemaReader(db),
                  db.config());
          runner.housekeeping(new Housekeeping(conn, settings, extended));
          pid = conn.getBackendPID();
          secret = RANDOM.nextInt();
          registry.register(pid, this);
          HeliosConnection queue = conn;
          stall =
              new ListenerStall(
                  channel,
                  limits.listenerStallTimeout().toMillis(),
                  db.config().notificationQueueSize(),
                  db.config().notificationQueueBytes(),
                  () -> overflowing(queue),
                  () -> end(SqlState.CONFIGURATION_LIMIT_EXCEEDED, stall::fatalMessage));
          try {
            conn.onNotification(this::signal);
          } catch (SQLException e) {
            out.fatal(SqlState.INTERNAL_ERROR.code(), e.getMessage());
            return;
          }
          ByteBuf b = out.buffer();
          if (negotiate) {
            BackendMessages.negotiateProtocolVersion(b, 0, unknownOptions);
          }
          BackendMessages.authenticationOk(b);
          for (String[] p : settings.reported()) {
            BackendMessages.parameterStatus(b, p[0], p[1]);
          }
          BackendMessages.backendKeyData(out.buffer(), pid, secret);
          endOfCommand(0);
        });
  }

  void query(String sql) {
    long seq = idle.messageReceived();
    Runnable task =
        () -> {
          if (ready() && !discarding) {
            extended.sync(out); // a Query ends an implicit extended-protocol transaction
            runner.run(sql, out);
            extended.closePortalsOutsideATransaction();
            endOfCommand(seq);
          }
        };
    // A statement that cannot wait on a lock runs on the event loop when the session is idle:
    // two thread hand-offs per statement were most of a NOTIFY's round trip.
    if (!(QuickStatements.cannotWait(sql, db.config())
        && executor.runInlineIfIdle(() -> !ready() || extended.syncRunsQuickly(), guarded(task)))) {
      enqueue(task);
    }
  }

  /**
   * Parse, Bind, Describe, Execute or Close: answered in order; after an error, this and every
   * message until Sync is discarded.
   */
  void extendedQuery(FrontendMessage m) {
    idle.messageReceived();
    Runnable task =
        () -> {
          if (!ready() || discarding) {
            return;
          }
          boolean ok = true;
          if (m instanceof FrontendMessage.Parse p) {
            ok = extended.parse(p, out);
          } else if (m instanceof FrontendMessage.Bind b) {
            ok = extended.bind(b, out);
          } else if (m instanceof FrontendMessage.Describe d) {
            ok = extended.describe(d, out);
          } else if (m instanceof FrontendMessage.Execute e) {
            ok = extended.execute(e, out);
          } else if (m instanceof FrontendMessage.Close c) {
            ok = extended.close(c, out);
          } else if (m instanceof FrontendMessage.Flush) {
            ok = extended.settle(out);
            out.flush();
          }
          discarding = !ok;
        };
    // As a simple Query: a statement that cannot wait on a lock runs on the event loop when the
    // session is idle, and so the whole Parse/Bind/Execute/Sync of a NOTIFY does.
    if (!executor.runInlineIfIdle(
        () -> !ready() || discarding || extended.runsQuickly(m), guarded(task))) {
      enqueue(task);
    }
  }

  void sync() {
    long seq = idle.messageReceived();
    Runnable task =
        () -> {
          if (ready()) {
            discarding = false;
            extended.sync(out);
            endOfCommand(seq);
          }
        };
    if (!executor.runInlineIfIdle(() -> !ready() || extended.syncRunsQuickly(), guarded(task))) {
      enqueue(task);
    }
  }

  void functionCall() {
    long seq = idle.messageReceived();
    enqueue(
        () -> {
          if (ready() && !discarding) {
            extended.settle(out); // part of the implicit transaction the error fails
            runner.failBlock();
            out.error(
                SqlState.FEATURE_NOT_SUPPORTED.code(),
                "fast-path function calls are not supported");
            endOfCommand(seq);
          }
        });
  }

  /** A protocol violation after startup: FATAL once the earlier requests are answered. */
  void fatal(String sqlState, String message) {
    enqueue(
        () -> {
          if (channel.isActive()) {
            out.fatal(sqlState, message);
          }
        });
  }

  /**
   * The client shut its side of the connection (FIN) after its last messages: as PostgreSQL does,
   * they are answered, then the connection is closed (event loop).
   */
  void inputClosed() {
    enqueue(
        () -> {
          if (channel.isActive()) {
            out.flushAndClose();
          }
        });
  }

  /** Server shutdown (any thread): stop the running statement, say why, close. */
  void terminate(String sqlState, String message) {
    cancel();
    ByteBuf b = channel.alloc().buffer();
    BackendMessages.errorResponse(b, Severity.FATAL, sqlState, message, 0);
    channel.writeAndFlush(b).addListener(ChannelFutureListener.CLOSE);
  }

  /** Whether a timeout or a stall is ending this session (tests). */
  boolean ending() {
    return terminating;
  }

  boolean hasSecret(int key) {
    return runner != null && secret == key;
  }

  /** Cancels the running statement, if any (any thread). */
  void cancel() {
    QueryRunner r = runner;
    if (r != null) {
      r.cancel();
    }
  }

  /** The channel closed (event loop): stop what runs, then close the connection. */
  void channelClosed() {
    closed = true;
    idle.stop();
    out.wakeUp();
    cancel();
    executor.execute(this::release);
  }

  /** The channel's writability changed (event loop). */
  void writabilityChanged() {
    out.wakeUp();
    if (channel.isWritable()) {
      ListenerStall s = stall;
      if (s != null) {
        s.writable();
      }
      if (drainScheduled.compareAndSet(false, true)) {
        drainOnEventLoop();
      }
    }
  }

  /**
   * The connection's arrival signal (any thread, under the hub's lock, so quick): schedule one
   * drain on the channel's event loop, which writes without a further hand-off and keeps a
   * broadcast to thousands of idle sessions on the few event-loop threads (on the worker pool it
   * started hundreds of threads); the session's executor takes it when a statement of it runs.
   */
  private void signal() {
    if (closed) {
      return;
    }
    stall.arrived();
    if (drainScheduled.compareAndSet(false, true)) {
      channel.eventLoop().execute(this::drainOnEventLoop);
    }
  }

  private void drainOnEventLoop() {
    if (!executor.runInlineIfIdle(this::drainTask)) {
      executor.execute(this::drainTask);
    }
  }

  private void drainTask() {
    drainScheduled.set(false);
    if (ready()
        && !discarding
        && runner.status() == TransactionStatus.IDLE
        && !extended.holdsAnExecute()
        && drain()) {
      out.flush();
    }
  }

  /**
   * Moves queued notifications to the channel while it is writable, one chunk at a time; returns
   * whether there were any. A client that reads slowly so holds at most about the channel's
   * high-water mark and a chunk in the server's buffers: the rest waits in the connection's queue,
   * bounded in notifications and bytes, until the channel is writable again ({@link
   * #writabilityChanged} drains on). Taking the whole queue at once encoded it all into one buffer.
   */
  private boolean drain() {
    long taken = 0;
    try {
      Notification n;
      while (out.isWritable() && (n = conn.nextNotification()) != null) {
        out.notification(n);
        taken += n.isOverflow() ? n.droppedCount() : 1;
      }
    } catch (SQLException e) {
      log.debug("reading notifications failed", e);
    } finally {
      stall.taken(taken);
    }
    return taken > 0;
  }

  /** Whether the session's queue is dropping (the publisher's thread, under the hub's lock). */
  private static boolean overflowing(HeliosConnection queue) {
    try {
      return queue.isNotificationQueueOverflowing();
    } catch (SQLException e) {
      return false; // closed: no stall to report
    }
  }

  /**
   * After the command of client message {@code seq}: notifications when idle, then ReadyForQuery
   * with the status; the session waits for its client from here, and the idle timeout runs.
   */
  private void endOfCommand(long seq) {
    TransactionStatus status = runner.status();
    if (status == TransactionStatus.IDLE) {
      drain();
    }
    out.readyForQuery(status);
    out.flush();
    idle.waiting(
        seq,
        status,
        status == TransactionStatus.IDLE
            ? settings.idleSessionTimeoutMillis()
            : settings.idleInTransactionSessionTimeoutMillis());
  }

  /** An idle timeout ran out (event loop). */
  private void timedOut(SqlState sqlState, String message) {
    end(sqlState, () -> message);
  }

  /**
   * Ends the session (event loop) as PostgreSQL does on a timeout: nothing more runs; once the
   * running task is done, the open transaction is rolled back, FATAL is sent and the connection
   * closed.
   */
  private void end(SqlState sqlState, Supplier<String> message) {
    terminating = true;
    executor.execute(
        () -> {
          if (closed || conn == null) {
            return;
          }
          runner.rollbackOpenTransaction();
          String text = message.get();
          log.info("closing session {}: {}", pid, text);
          out.fatal(sqlState.code(), text);
        });
  }

  private boolean ready() {
    return !closed && !terminating && conn != null;
  }

  private void release() {
    if (released) {
      return;
    }
    released = true;
    try {
      if (conn != null) {
        registry.unregister(pid, this);
        if (extended != null) {
          extended.closeAll(); // gives back the memory its statements and portals held
        }
        conn.onNotification(null);
        conn.close();
      }
    } catch (SQLException | RuntimeException e) {
      log.debug("closing the session's connection failed", e);
    } finally {
      registry.release();
    }
  }

  /**
   * {@code task}, never leaving the client waiting: what it did not expect (a bug, an Error) ends
   * the session with FATAL XX000 once its transaction is rolled back, instead of an answer that
   * never comes. Expected failures are answered inside the task.
   */
  private Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        log.error("session {}: internal error, closing it", pid, e);
        terminating = true;
        try {
          if (runner != null) {
            runner.rollbackOpenTransaction();
          }
          out.fatal(SqlState.INTERNAL_ERROR.code(), "internal error: " + e);
        } catch (RuntimeException | Error again) {
          log.debug("reporting the internal error failed", again);
          channel.close();
        }
      }
    };
  }

  /** Runs {@code task} on the executor; stops reading from the client while too many wait. */
  private void enqueue(Runnable task) {
    synchronized (backlogLock) {
      if (++backlog == MAX_BACKLOG) {
        channel.config().setAutoRead(false);
      }
    }
    Runnable guardedTask = guarded(task);
    executor.execute(
        () -> {
          try {
            guardedTask.run();
          } finally {
            synchronized (backlogLock) {
              if (backlog-- == MAX_BACKLOG) {
                channel.config().setAutoRead(true);
              }
            }
          }
        });
  }
}
