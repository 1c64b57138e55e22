package io.heliosdb.nano.engine;

import java.sql.SQLException;
import org.sqlite.SQLiteConnection;
import org.sqlite.core.CoreStatement;
import org.sqlite.core.DB;

/**
 * {@code heliosdb_ack(consumer, id)}: marks a claimed notification done as part of the caller's
 * transaction: deletes the claim and moves the consumer's position to just before its oldest claim
 * still open. The claim row is the token: if the lease ran out and another worker took the
 * notification and acknowledged it first, the row is gone and this acknowledgement fails, so the
 * caller's transaction (the work) cannot commit twice.
 *
 * <p>Runs inside a SQL function, so it steps its statements directly (sqlite-jdbc's statement API
 * would open a transaction of its own there), with the arguments read through {@code
 * _heliosdb_ack_arg(i)} as {@link DurableLog} does.
 */
final class ConsumerAck {

  private final SQLiteConnection conn;
  private final DB db;
  private CoreStatement delete;
  private CoreStatement advance;
  private CoreStatement exists;
  private String consumer;
  private long id;

  ConsumerAck(SQLiteConnection conn) {
    this.conn = conn;
    this.db = conn.getDatabase();
  }

  /** The argument {@code i} of the statement being stepped: the consumer name or the id. */
  Object arg(int i) {
    return i == 0 ? consumer : (Object) id;
  }

  /**
   * Acknowledges {@code id} for {@code consumer}.
   *
   * @return null when done, else the error message for the caller
   */
  String ack(String consumer, long id) throws SQLException {
    this.consumer = consumer;
    this.id = id;
    if (delete == null) {
      try {
        prepare();
      } catch (SQLException e) {
        if (e.getMessage() != null && e.getMessage().contains("no such table")) {
          return unknown(consumer);
        }
        throw e;
      }
    }
    NestedSteps.run(db, delete);
    if (db.changes() == 1) {
      NestedSteps.run(db, advance);
      return null;
    }
    if (NestedSteps.single(db, exists) == 0) {
      return unknown(consumer);
    }
    return "notification "
        + id
        + " is not claimed by consumer \""
        + consumer
        + "\": it was acknowledged already, or its lease ran out and another worker took it";
  }

  static String unknown(String consumer) {
    return "consumer \"" + consumer + "\" does not exist";
  }

  private void prepare() throws SQLException {
    String name = "_heliosdb_ack_arg(0)";
    delete =
        (CoreStatement)
            conn.prepareStatement(
                "DELETE FROM "
                    + ConsumerTables.CLAIMS
                    + " WHERE consumer = "
                    + name
                    + " AND id = _heliosdb_ack_arg(1)");
    advance =
        (CoreStatement)
            conn.prepareStatement(
                "UPDATE "
                    + ConsumerTables.STATE
                    + " SET position = coalesce((SELECT min(id) - 1 FROM "
                    + ConsumerTables.CLAIMS
                    + " WHERE consumer = "
                    + name
                    + "), claimed_up_to), handled = handled + 1 WHERE name = "
                    + name);
    exists =
        (CoreStatement)
            conn.prepareStatement(
                "SELECT count(*) FROM " + ConsumerTables.STATE + " WHERE name = " + name);
  }
}
