package io.heliosdb.nano.engine;

import io.heliosdb.nano.engine.PendingEntry.Kind;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import org.sqlite.Function;
import org.sqlite.SQLiteConnection;

/**
 * The SQL functions every connection gets: {@code pg_notify(channel, payload)} and its alias {@code
 * notify}, {@code pg_listening_channels()}, {@code pg_notification_queue_usage()}, and the internal
 * {@code _heliosdb_listen(kind, channel)} that LISTEN and UNLISTEN run through.
 *
 * <p>All are registered SQLITE_INNOCUOUS, so triggers may call them under {@code
 * trusted_schema=OFF}, and none is deterministic: they have side effects.
 */
final class NotifyFunctions {
  /** SQLITE_INNOCUOUS: usable from triggers and views even with trusted_schema=OFF. */
  private static final int INNOCUOUS = 0x200000;

  /** PostgreSQL's NAMEDATALEN - 1: the longest channel name, in bytes. */
  static final int MAX_CHANNEL_BYTES = 63;

  static final String PAYLOAD_TOO_LONG = "payload string too long";
  static final String CHANNEL_TOO_LONG = "channel name too long";
  static final String CHANNEL_EMPTY = "channel name cannot be empty";
  static final String PUBSUB_DISABLED =
      "LISTEN/NOTIFY is disabled for this database (pubsub.enabled = false)";

  private NotifyFunctions() {}

  static void registerSequence(SQLiteConnection conn, EngineConnection engine) throws SQLException {
    Function.create(
        conn,
        "_heliosdb_current_seq",
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            result(engine.currentSeq());
          }
        },
        0,
        INNOCUOUS);
  }

  /** {@code _heliosdb_durable_arg(i)}: the values of the durable-log insert being stepped. */
  static void registerDurableArgs(SQLiteConnection conn, DurableLog log) throws SQLException {
    Function.create(
        conn,
        "_heliosdb_durable_arg",
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            Object v = log.arg(value_int(0));
            if (v instanceof Integer i) {
              result(i);
            } else {
              result((String) v);
            }
          }
        },
        1,
        INNOCUOUS);
  }

  static void register(
      SQLiteConnection conn,
      EngineConnection engine,
      SessionView session,
      int maxPayloadBytes,
      boolean enabled)
      throws SQLException {
    Function notify =
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            if (!enabled) {
              error(PUBSUB_DISABLED);
              return;
            }
            // value_text is null for SQL NULL: no value_type calls (each a JNI call) needed.
            String channel = value_text(0);
            String payload = value_text(1);
            if (payload == null) {
              payload = "";
            }
            String problem = checkArguments(channel, payload, maxPayloadBytes);
            if (problem != null) {
              error(problem);
              return;
            }
            // No result() call: SQLite's result is NULL (pg_notify returns void) unless set.
            engine.append(Kind.NOTIFY, channel, payload, session.pid());
          }
        };
    Function.create(conn, "pg_notify", notify, 2, INNOCUOUS);
    Function.create(conn, "notify", notify, 2, INNOCUOUS);

    Function.create(
        conn,
        "_heliosdb_listen",
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            if (!enabled) {
              error(PUBSUB_DISABLED);
              return;
            }
            Kind kind = Kind.valueOf(value_text(0));
            String channel = kind == Kind.UNLISTEN_ALL ? null : value_text(1);
            engine.append(kind, channel, null, 0);
            result();
          }
        },
        2,
        INNOCUOUS);

    Function.create(
        conn,
        "pg_listening_channels",
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            result(session.listeningChannelsJson());
          }
        },
        0,
        INNOCUOUS);

    Function.create(
        conn,
        "pg_notification_queue_usage",
        new Function() {
          @Override
          protected void xFunc() throws SQLException {
            result(session.notificationQueueUsage());
          }
        },
        0,
        INNOCUOUS);
  }

  /** PostgreSQL's checks on the arguments of pg_notify: the error message, or null. */
  static String checkArguments(String channel, String payload, int maxPayloadBytes) {
    String problem = checkChannel(channel);
    if (problem == null
        && payload.length() >= maxPayloadBytes / 3
        && payload.getBytes(StandardCharsets.UTF_8).length >= maxPayloadBytes) {
      problem = PAYLOAD_TOO_LONG;
    }
    return problem;
  }

  /** PostgreSQL's checks on the channel argument of pg_notify; null when it is acceptable. */
  static String checkChannel(String channel) {
    if (channel == null || channel.isEmpty()) {
      return CHANNEL_EMPTY;
    }
    if (channel.length() > MAX_CHANNEL_BYTES / 3
        && channel.getBytes(StandardCharsets.UTF_8).length > MAX_CHANNEL_BYTES) {
      return CHANNEL_TOO_LONG;
    }
    return null;
  }
}
