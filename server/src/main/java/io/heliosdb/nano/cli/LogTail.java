package io.heliosdb.nano.cli;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.session.DurableReader;
import io.heliosdb.nano.session.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Follows the durable log of a database file as another process writes it: every notification on
 * the given channels, in id (commit) order, as a JSON line. Wakes on the file system's change
 * events for the database's files and asks SQLite whether anything was committed ({@code PRAGMA
 * data_version}), so an idle tail costs next to nothing; a slow timer covers missed events.
 */
final class LogTail implements AutoCloseable {
  private static final int PAGE = 512;
  private static final long FALLBACK_MILLIS = 500;

  private final HeliosConnection conn;
  private final DurableReader reader;
  private final Path file;
  private final WatchService watch;
  private long lastId;
  private long dataVersion = -1;

  /**
   * @param fromId print what was logged after this id first; -1 for only what comes from now on
   */
  LogTail(HeliosConnection conn, Path file, List<String> channels, long fromId, PrintWriter out)
      throws SQLException, IOException {
    this.conn = conn;
    this.file = file.toAbsolutePath();
    this.reader = new DurableReader(conn, channels);
    long start = reader.startAfter(fromId < 0 ? Long.MAX_VALUE : fromId);
    if (fromId >= 0 && start != fromId) {
      out.println("{\"reset\":true,\"continues_after\":" + start + "}");
    }
    this.lastId = start;
    this.watch = FileSystems.getDefault().newWatchService();
    this.file
        .getParent()
        .register(
            watch, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
  }

  /** Prints notifications until {@code stop} completes. */
  void run(PrintWriter out, CompletableFuture<Void> stop)
      throws SQLException, InterruptedException {
    while (!stop.isDone()) {
      if (changed()) {
        List<DurableReader.Row> rows;
        do {
          rows = reader.after(lastId, PAGE);
          for (DurableReader.Row r : rows) {
            out.println(json(r));
            lastId = r.id();
          }
          out.flush();
        } while (rows.size() == PAGE);
      }
      WatchKey key = watch.poll(FALLBACK_MILLIS, TimeUnit.MILLISECONDS);
      if (key != null) {
        key.pollEvents(); // which file changed does not matter: data_version decides
        key.reset();
      }
    }
  }

  /** Whether another connection committed since the last look (or this is the first look). */
  private boolean changed() throws SQLException {
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA data_version")) {
      rs.next();
      long v = rs.getLong(1);
      boolean changed = v != dataVersion;
      dataVersion = v;
      return changed;
    }
  }

  static String json(DurableReader.Row r) {
    return "{\"id\":"
        + r.id()
        + ",\"channel\":"
        + Json.quote(r.channel())
        + ",\"payload\":"
        + Json.quote(r.payload())
        + ",\"sender_pid\":"
        + r.senderPid()
        + "}";
  }

  @Override
  public void close() throws IOException {
    watch.close();
  }
}
