package io.heliosdb.nano.session;

import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.engine.LogFollower;
import io.heliosdb.nano.notify.Hub;
import io.heliosdb.nano.notify.Relay;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notifications between processes that share a database file. With cross-process delivery
 * every notification is a row of the log, and the hub fans out rows, not commits: in id order,
 * which is commit order across every process on the file, so all processes see one order.
 *
 * <p>Two things make it read: a commit in this process catches up at once, on the committing thread
 * (so a session receives its own notification before its statement returns, as in PostgreSQL); a
 * commit elsewhere wakes a watcher thread through the file system's change events for the database
 * files, confirmed by {@code PRAGMA data_version}. Events can arrive a little before the commit is
 * visible, so an event that shows no change is re-checked a few times within milliseconds; a slow
 * timer covers events that never come. Idle, the watcher sleeps.
 */
final class CrossProcessRelay implements Relay {
  private static final Logger log = LoggerFactory.getLogger(CrossProcessRelay.class);
  private static final int PAGE = 1024;
  private static final long FALLBACK_MILLIS = 500;
  private static final long[] RECHECK_MICROS = {100, 300, 1000, 2000, 5000, 10_000};

  private final Hub hub;
  private final HeliosConfig config;
  private final LogFollower follower;
  private final WatchService watch;
  private final String fileName;
  private final Thread watcher;
  private long lastId;
  private long lossReportedUpTo;
  private long dataVersion = -1;
  private volatile boolean closed;

  /** A relay that delivers what commits from now on. */
  CrossProcessRelay(Hub hub, HeliosConfig config, String url) throws SQLException, IOException {
    // What committed before this process opened the file is not delivered (resume asks for it).
    this(hub, config, url, -1);
  }

  /** A relay that delivers what committed after {@code afterId} ({@code -1}: from now on). */
  CrossProcessRelay(Hub hub, HeliosConfig config, String url, long afterId)
      throws SQLException, IOException {
    this.hub = hub;
    this.config = config;
    this.follower = LogFollower.open(config, url);
    Path file = config.path().toAbsolutePath();
    this.fileName = file.getFileName().toString();
    try {
      this.lastId = afterId < 0 ? follower.lastId() : afterId;
      this.dataVersion = follower.dataVersion();
      this.watch = FileSystems.getDefault().newWatchService();
    } catch (SQLException | IOException | RuntimeException e) {
      follower.close();
      throw e;
    }
    try {
      file.getParent()
          .register(
              watch, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
    } catch (IOException | RuntimeException e) {
      watch.close();
      follower.close();
      throw e;
    }
    this.watcher = new Thread(this::watchLoop, "heliosdb-relay " + fileName);
    watcher.setDaemon(true);
    watcher.start();
  }

  /**
   * {@code PRAGMA synchronous} in force on the relay's own connection (1 NORMAL, 2 FULL, 3 EXTRA).
   */
  synchronized int synchronous() throws SQLException {
    return follower.synchronous();
  }

  @Override
  public synchronized void catchUp() {
    if (closed) {
      return;
    }
    try {
      List<LogFollower.Row> rows;
      do {
        rows = follower.after(lastId, PAGE);
        if (rows.isEmpty()) {
          return;
        }
        reportLoss(rows.get(0).id());
        int delivered = hub.deliverLogged(rows, config.durableChannels());
        if (delivered == 0) {
          return; // a commit of this process goes first; its publication calls again
        }
        lastId = rows.get(delivered - 1).id();
        if (delivered < rows.size()) {
          return;
        }
      } while (rows.size() == PAGE);
    } catch (SQLException | RuntimeException e) {
      // Committed rows stay in the log: the watcher's next round (at most the fallback timer's
      // period away) delivers them, as a forgotten data_version counts as a change.
      dataVersion = -1;
      log.debug("cross-process relay deferred: {}", e.getMessage());
    }
  }

  /**
   * Ids are not dense (a failed statement's row leaves a hole), so a hole alone proves nothing;
   * retention having passed this relay's position does.
   */
  private void reportLoss(long nextId) throws SQLException {
    long from = Math.max(lastId, lossReportedUpTo);
    if (nextId == from + 1) {
      return;
    }
    long pruned = Math.min(follower.transientPrunedUpTo(), nextId - 1);
    if (pruned > from) {
      hub.reportLoss(pruned - from);
      lossReportedUpTo = pruned;
    }
  }

  private void watchLoop() {
    while (!closed) {
      try {
        WatchKey key = watch.poll(FALLBACK_MILLIS, TimeUnit.MILLISECONDS);
        boolean ours = key == null; // the fallback timer looks as well
        if (key != null) {
          for (WatchEvent<?> e : key.pollEvents()) {
            ours |= e.context() == null || e.context().toString().startsWith(fileName);
          }
          key.reset();
        }
        if (ours) {
          lookWithRechecks(key != null);
        }
      } catch (ClosedWatchServiceException | InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("cross-process relay watcher", e);
      }
    }
  }

  private void lookWithRechecks(boolean woken) {
    if (changed()) {
      catchUp();
      return;
    }
    if (!woken) {
      return;
    }
    for (long micros : RECHECK_MICROS) {
      LockSupport.parkNanos(micros * 1000);
      if (closed) {
        return;
      }
      if (changed()) {
        catchUp();
        return;
      }
    }
  }

  /** Whether any other connection committed since the last look. */
  private synchronized boolean changed() {
    try {
      long v = follower.dataVersion();
      boolean changed = v != dataVersion;
      dataVersion = v;
      return changed;
    } catch (SQLException e) {
      return true; // let catchUp try, and report
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      watch.close();
    } catch (IOException e) {
      log.debug("closing the watch service", e);
    }
    watcher.interrupt();
    synchronized (this) {
      try {
        follower.close();
      } catch (SQLException e) {
        log.debug("closing the relay's connection", e);
      }
    }
  }
}
