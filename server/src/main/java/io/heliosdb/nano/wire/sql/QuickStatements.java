package io.heliosdb.nano.wire.sql;

import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.session.Command;
import io.heliosdb.nano.session.SqlSplitter;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Recognises statements that never wait on a lock, and so may run on the event loop: a single
 * LISTEN, UNLISTEN or NOTIFY on a channel that is not durable. They touch only the connection's own
 * TEMP database (a durable NOTIFY writes the shared log, and could wait for another writer). In the
 * extended protocol, also {@code SELECT pg_notify($1, $2)}, whose channel is known at Bind.
 */
public final class QuickStatements {
  private QuickStatements() {}

  /** What a statement is to the short path. */
  public enum Kind {
    /** Anything else: prepared by SQLite, run on a worker. */
    NONE,
    /** LISTEN, UNLISTEN or NOTIFY on a channel that is not durable. */
    SESSION,
    /** {@code SELECT pg_notify($1, $2)}: short when the bound channel is not durable. */
    PG_NOTIFY
  }

  /** The whole statement, as clients write it; casts or other arguments take the usual path. */
  private static final Pattern PG_NOTIFY =
      Pattern.compile(
          "\\s*select\\s+pg_notify\\s*\\(\\s*\\$1\\s*,\\s*\\$2\\s*\\)\\s*;?\\s*",
          Pattern.CASE_INSENSITIVE);

  public static boolean cannotWait(String sql, HeliosConfig config) {
    return sessionStatement(sql, config);
  }

  /** What the text of an extended-protocol Parse is to the short path. */
  public static Kind classify(String sql, HeliosConfig config) {
    if (sql.length() <= 1024 && PG_NOTIFY.matcher(sql).matches()) {
      return Kind.PG_NOTIFY;
    }
    return sessionStatement(sql, config) ? Kind.SESSION : Kind.NONE;
  }

  private static boolean sessionStatement(String sql, HeliosConfig config) {
    if (sql.length() > 1024) {
      return false;
    }
    List<String> statements = SqlSplitter.split(sql);
    if (statements.size() != 1) {
      return false;
    }
    Command c;
    try {
      c = Command.parse(statements.get(0));
    } catch (SQLException e) {
      return false; // the worker reports the error as usual
    }
    return switch (c.type()) {
      case LISTEN, UNLISTEN, UNLISTEN_ALL -> true;
      case NOTIFY -> !config.loggedChannels().matches(c.channel());
      default -> false;
    };
  }
}
