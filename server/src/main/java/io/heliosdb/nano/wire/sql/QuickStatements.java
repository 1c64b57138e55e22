package io.heliosdb.nano.wire.sql;

import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.session.Command;
import io.heliosdb.nano.session.SqlSplitter;
import java.sql.SQLException;
import java.util.List;

/**
 * Recognises statements that never wait on a lock, and so may run on the event loop: a single
 * LISTEN, UNLISTEN or NOTIFY on a channel that is not durable. They touch only the connection's own
 * TEMP database (a durable NOTIFY writes the shared log, and could wait for another writer).
 */
public final class QuickStatements {
  private QuickStatements() {}

  public static boolean cannotWait(String sql, HeliosConfig config) {
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
