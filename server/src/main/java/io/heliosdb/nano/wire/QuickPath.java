package io.heliosdb.nano.wire;

import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.wire.sql.QuickStatements;
import io.heliosdb.nano.wire.types.PgColumn;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The extended protocol's short path for LISTEN, UNLISTEN, NOTIFY and {@code SELECT pg_notify($1,
 * $2)} (one session's): which statements take it (on the event loop), what Parse of a pg_notify
 * found (the same for every Parse of the same text), and the Execute that waits for the next
 * message.
 *
 * <p>An Execute outside any transaction opens the implicit transaction that Sync commits, as in
 * PostgreSQL; a notification it sends is delivered at that commit, or dropped with it. Such an
 * Execute (a short statement, or any statement that would open the implicit transaction, all rows
 * at once) is held ({@link #defer}) until the next message shows what follows: at Sync it runs
 * alone, in autocommit, without a SQLite BEGIN and COMMIT (for a notification, no SQLite
 * transaction at all: the core hands it to the hub at once); before any other message it runs
 * first, in the implicit SQLite transaction as before. Its responses so come in the same place
 * either way.
 */
final class QuickPath {
  /** What Parse found for a pg_notify statement: its text for SQLite, types and columns. */
  record Shape(String sql, String verb, int[] parameterTypes, int used, List<PgColumn> columns) {}

  private static final int MAX_SHAPES = 16;

  /** Counts the Executes that ran alone at Sync (tests: the short path was taken). */
  private static final LongAdder RAN_ALONE = new LongAdder();

  private final HeliosConfig config;

  private final Map<String, Shape> shapes =
      new LinkedHashMap<>(MAX_SHAPES, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Shape> eldest) {
          return size() > MAX_SHAPES;
        }
      };

  /** The last text classified: the event loop asks before Parse runs, Parse asks again. */
  private String classifiedSql;

  private QuickStatements.Kind classified;

  private Portal deferred;

  QuickPath(HeliosConfig config) {
    this.config = config;
  }

  /** What a Parse's text is to the short path. */
  QuickStatements.Kind classify(String sql) {
    if (sql != classifiedSql) { // the same message asked twice: the same String
      classified = QuickStatements.classify(sql, config);
      classifiedSql = sql;
    }
    return classified;
  }

  /** What an earlier Parse of this text with these declared types found; null if none. */
  Shape shape(String sql, int[] declared) {
    return shapes.get(key(sql, declared));
  }

  void remember(String sql, int[] declared, Shape shape) {
    shapes.put(key(sql, declared), shape);
  }

  private static String key(String sql, int[] declared) {
    return declared.length == 0 ? sql : Arrays.toString(declared) + sql;
  }

  /**
   * Whether Execute of {@code portal} may take the short path: LISTEN, UNLISTEN or NOTIFY, or a
   * pg_notify with text arguments on a channel that is not durable, all rows at once.
   */
  boolean isShort(Portal portal, int maxRows) {
    return switch (portal.statement.quick()) {
      case SESSION -> true;
      case PG_NOTIFY -> notifyArguments(portal, maxRows) != null;
      case NONE -> false;
    };
  }

  /** A pg_notify portal's channel and payload when it may take the short path; else null. */
  String[] notifyArguments(Portal portal, int maxRows) {
    if (portal.statement.quick() != QuickStatements.Kind.PG_NOTIFY
        || maxRows != 0
        || portal.values.length != 2
        || !(portal.values[0] instanceof String channel)
        || !(portal.values[1] instanceof String payload)
        || channel.isEmpty()
        || config.loggedChannels().matches(channel)) {
      return null;
    }
    return new String[] {channel, payload};
  }

  /** Holds a short Execute outside any transaction until the next message. */
  void defer(Portal portal) {
    deferred = portal;
  }

  /** Whether no Execute is held but a short one (which cannot wait on a lock). */
  boolean holdsOnlyShort() {
    return deferred == null || isShort(deferred, 0);
  }

  /** Whether an Execute is held: the session is in its implicit transaction. */
  boolean holding() {
    return deferred != null;
  }

  /** The held Execute, once; null when there is none. */
  Portal take() {
    Portal p = deferred;
    deferred = null;
    return p;
  }

  /** Sync ran the held Execute alone. */
  static void ranAlone() {
    RAN_ALONE.increment();
  }

  /** How many held Executes ran alone at Sync, in this JVM (tests). */
  static long ranAloneCount() {
    return RAN_ALONE.sum();
  }
}
