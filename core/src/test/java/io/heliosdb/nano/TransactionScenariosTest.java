package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliosdb.nano.config.HeliosConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checklist of ../shared/notes/sqlite-notify-facts.md, section 1: each scenario a test. A
 * trigger notifies channel "orders" with the row's sku; "delivered" is checked after the
 * transaction ended, "dropped" by proving nothing arrived before a later marker.
 */
class TransactionScenariosTest {
  @TempDir Path dir;
  HeliosDB db;
  Listener orders;

  @BeforeEach
  void open() {
    db = open(true);
    orders = new Listener(db, "orders");
  }

  HeliosDB open(boolean wal) {
    HeliosDB d =
        HeliosDB.open(
            HeliosConfig.builder()
                .path(dir.resolve(wal ? "wal.db" : "journal.db"))
                .enableWal(wal)
                .busyTimeoutMs(50)
                .build());
    d.execute(
        "CREATE TABLE IF NOT EXISTS orders(id INTEGER PRIMARY KEY AUTOINCREMENT, sku TEXT UNIQUE)");
    d.execute(
        "CREATE TRIGGER IF NOT EXISTS orders_notify AFTER INSERT ON orders BEGIN "
            + "SELECT pg_notify('orders', NEW.sku); END");
    return d;
  }

  @AfterEach
  void close() {
    orders.close();
    db.close();
  }

  @Test
  void s01_autocommitInsertIsDelivered() throws Exception {
    db.execute("INSERT INTO orders(sku) VALUES ('a')");
    assertThat(orders.delivered()).containsExactly("a");
  }

  @Test
  void s02_multiRowInsertDeliversEachRowInOrder() throws Exception {
    db.execute("INSERT INTO orders(sku) VALUES ('a'), ('b'), ('c')");
    assertThat(orders.delivered()).containsExactly("a", "b", "c");
  }

  @Test
  void s03_sqlTransactionDeliversAtCommitNotBefore() throws Exception {
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("BEGIN");
      s.execute("INSERT INTO orders(sku) VALUES ('a')");
      s.execute("INSERT INTO orders(sku) VALUES ('b')");
      assertThat(orders.delivered()).isEmpty();
      s.execute("COMMIT");
    }
    assertThat(orders.delivered()).containsExactly("a", "b");
  }

  @Test
  void s04_sqlRollbackDrops() throws Exception {
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("BEGIN");
      s.execute("INSERT INTO orders(sku) VALUES ('a')");
      s.execute("ROLLBACK");
    }
    assertThat(orders.delivered()).isEmpty();
  }

  @Test
  void s05_jdbcCommitDelivers() throws Exception {
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("INSERT INTO orders(sku) VALUES ('a')");
      assertThat(orders.delivered()).isEmpty();
      c.commit();
    }
    assertThat(orders.delivered()).containsExactly("a");
  }

  @Test
  void s06_jdbcRollbackDrops() throws Exception {
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("INSERT INTO orders(sku) VALUES ('a')");
      c.rollback();
    }
    assertThat(orders.delivered()).isEmpty();
  }

  @Test
  void s07_switchingAutocommitOnCommits() throws Exception {
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("INSERT INTO orders(sku) VALUES ('a')");
      c.setAutoCommit(true);
      assertThat(orders.delivered()).containsExactly("a");
    }
  }

  @Test
  void s08_failingAutocommitMultiRowInsertDropsAll() throws Exception {
    db.execute("INSERT INTO orders(sku) VALUES ('x')");
    assertThat(orders.delivered()).containsExactly("x");
    assertThatThrownBy(() -> db.execute("INSERT INTO orders(sku) VALUES ('a'), ('b'), ('x')"))
        .isInstanceOfSatisfying(
            HeliosException.class, e -> assertThat(e.sqlState()).isEqualTo("23505"));
    assertThat(orders.delivered()).isEmpty();
  }

  @Test
  void s09_failedStatementInSqlTransactionLosesOnlyItsOwn() throws Exception {
    db.execute("INSERT INTO orders(sku) VALUES ('x')");
    orders.delivered();
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("BEGIN");
      s.execute("INSERT INTO orders(sku) VALUES ('a')");
      assertThatThrownBy(() -> s.execute("INSERT INTO orders(sku) VALUES ('b'), ('x')"))
          .isInstanceOf(SQLException.class);
      s.execute("COMMIT");
    }
    assertThat(orders.delivered()).containsExactly("a");
  }

  @Test
  void s10_failedStatementInJdbcTransactionLosesOnlyItsOwn() throws Exception {
    db.execute("INSERT INTO orders(sku) VALUES ('x')");
    orders.delivered();
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("INSERT INTO orders(sku) VALUES ('a')");
      assertThatThrownBy(() -> s.execute("INSERT INTO orders(sku) VALUES ('b'), ('x')"))
          .isInstanceOf(SQLException.class);
      c.commit();
    }
    assertThat(orders.delivered()).containsExactly("a");
  }

  @Test
  void s11_autocommitInsertOrFailKeepsEarlierRows() throws Exception {
    db.execute("INSERT INTO orders(sku) VALUES ('x')");
    orders.delivered();
    assertThatThrownBy(() -> db.execute("INSERT OR FAIL INTO orders(sku) VALUES ('p'), ('x')"))
        .isInstanceOf(HeliosException.class);
    assertThat(db.query("SELECT sku FROM orders WHERE sku = 'p'")).hasSize(1);
    assertThat(orders.delivered()).containsExactly("p");
  }

  @Test
  void s12_insertOrFailInTransactionKeepsEarlierRows() throws Exception {
    db.execute("INSERT INTO orders(sku) VALUES ('x')");
    orders.delivered();
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("BEGIN");
      assertThatThrownBy(() -> s.execute("INSERT OR FAIL INTO orders(sku) VALUES ('q'), ('x')"))
          .isInstanceOf(SQLException.class);
      s.execute("COMMIT");
    }
    assertThat(orders.delivered()).containsExactly("q");
  }

  @Test
  void s13_raiseFailKeepsEarlierRowsOfTheStatement() throws Exception {
    db.execute(
        "CREATE TRIGGER no_bad BEFORE INSERT ON orders WHEN NEW.sku = 'bad' BEGIN "
            + "SELECT RAISE(FAIL, 'bad sku'); END");
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("BEGIN");
      assertThatThrownBy(() -> s.execute("INSERT INTO orders(sku) VALUES ('r1'), ('bad')"))
          .hasMessageContaining("bad sku");
      s.execute("COMMIT");
    }
    assertThat(orders.delivered()).containsExactly("r1");
  }

  @Test
  void s14_raiseRollbackDropsTheWholeTransaction() throws Exception {
    db.execute(
        "CREATE TRIGGER no_bad BEFORE INSERT ON orders WHEN NEW.sku = 'bad' BEGIN "
            + "SELECT RAISE(ROLLBACK, 'bad sku'); END");
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("BEGIN");
      s.execute("INSERT INTO orders(sku) VALUES ('a')");
      assertThatThrownBy(() -> s.execute("INSERT INTO orders(sku) VALUES ('bad')"))
          .hasMessageContaining("bad sku");
    }
    assertThat(orders.delivered()).isEmpty();
    assertThat(db.query("SELECT * FROM orders")).isEmpty();
  }

  @Test
  void s15_raiseAbortDropsOnlyTheFailingStatement() throws Exception {
    db.execute(
        "CREATE TRIGGER no_bad AFTER INSERT ON orders WHEN NEW.sku = 'c' BEGIN "
            + "SELECT RAISE(ABORT, 'no c'); END");
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("BEGIN");
      s.execute("INSERT INTO orders(sku) VALUES ('a')");
      assertThatThrownBy(() -> s.execute("INSERT INTO orders(sku) VALUES ('c')"))
          .hasMessageContaining("no c");
      s.execute("COMMIT");
    }
    assertThat(orders.delivered()).containsExactly("a");
  }

  @Test
  void s16_rollbackToSavepointDropsWhatCameAfterIt() throws Exception {
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("BEGIN");
      s.execute("INSERT INTO orders(sku) VALUES ('a')");
      s.execute("SAVEPOINT sp");
      s.execute("INSERT INTO orders(sku) VALUES ('b')");
      s.execute("ROLLBACK TO sp");
      s.execute("INSERT INTO orders(sku) VALUES ('c')");
      s.execute("COMMIT");
    }
    assertThat(orders.delivered()).containsExactly("a", "c");
  }

  @Test
  void s16b_everythingBeforeTheSavepointSurvivesRollbackTo() throws Exception {
    // Only the first notification of a transaction and those after a SAVEPOINT are journaled in
    // the temp table; the ones in between must survive a ROLLBACK TO all the same.
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("BEGIN");
      s.execute("INSERT INTO orders(sku) VALUES ('a1'), ('a2')");
      s.execute("INSERT INTO orders(sku) VALUES ('a3')");
      s.execute("SAVEPOINT sp");
      s.execute("INSERT INTO orders(sku) VALUES ('b')");
      s.execute("SAVEPOINT inner_sp");
      s.execute("INSERT INTO orders(sku) VALUES ('b2')");
      s.execute("ROLLBACK TO sp");
      s.execute("INSERT INTO orders(sku) VALUES ('c')");
      s.execute("COMMIT");
    }
    assertThat(orders.delivered()).containsExactly("a1", "a2", "a3", "c");
  }

  @Test
  void s16c_savepointsInABatch() throws Exception {
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("INSERT INTO orders(sku) VALUES ('a1')");
      s.execute("INSERT INTO orders(sku) VALUES ('a2')");
      s.addBatch("SAVEPOINT sp");
      s.addBatch("INSERT INTO orders(sku) VALUES ('b')");
      s.addBatch("ROLLBACK TO sp");
      s.addBatch("INSERT INTO orders(sku) VALUES ('c')");
      s.executeBatch();
      c.commit();
    }
    assertThat(orders.delivered()).containsExactly("a1", "a2", "c");
  }

  @Test
  void s17_savepointOutsideTransactionStartsOneAndReleaseCommits() throws Exception {
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("SAVEPOINT s1");
      s.execute("INSERT INTO orders(sku) VALUES ('a')");
      s.execute("SAVEPOINT s2");
      s.execute("INSERT INTO orders(sku) VALUES ('b')");
      s.execute("ROLLBACK TO s1");
      s.execute("INSERT INTO orders(sku) VALUES ('c')");
      assertThat(orders.delivered()).isEmpty();
      s.execute("RELEASE s1");
    }
    assertThat(orders.delivered()).containsExactly("c");
  }

  @Test
  void s18_releasedSavepointKeepsItsWork() throws Exception {
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("BEGIN");
      s.execute("INSERT INTO orders(sku) VALUES ('a')");
      s.execute("SAVEPOINT s1");
      s.execute("INSERT INTO orders(sku) VALUES ('b')");
      s.execute("RELEASE s1");
      s.execute("COMMIT");
    }
    assertThat(orders.delivered()).containsExactly("a", "b");
  }

  @Test
  void s19_jdbcSavepointApi() throws Exception {
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("INSERT INTO orders(sku) VALUES ('a')");
      s.execute("INSERT INTO orders(sku) VALUES ('a2')");
      Savepoint x = c.setSavepoint("x");
      s.execute("INSERT INTO orders(sku) VALUES ('b')");
      c.rollback(x);
      c.commit();
    }
    assertThat(orders.delivered()).containsExactly("a", "a2");
  }

  @Test
  void s20_autocommitSelectPgNotifyWithoutWriteIsDelivered() throws Exception {
    db.query("SELECT pg_notify('orders', 'x')");
    assertThat(orders.delivered()).containsExactly("x");
  }

  @Test
  void s21_readOnlyTransactionDeliversAtCommit() throws Exception {
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("BEGIN");
      s.executeQuery("SELECT pg_notify('orders', 'x')").close();
      assertThat(orders.delivered()).isEmpty();
      s.execute("COMMIT");
    }
    assertThat(orders.delivered()).containsExactly("x");
  }

  @Test
  void s22_readOnlyTransactionRolledBackDrops() throws Exception {
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("BEGIN");
      s.executeQuery("SELECT pg_notify('orders', 'x')").close();
      s.execute("ROLLBACK");
    }
    assertThat(orders.delivered()).isEmpty();
  }

  @Test
  void s23_deferredForeignKeyFailingCommitThenRollbackDrops() throws Exception {
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("PRAGMA foreign_keys = ON");
      s.execute(
          "CREATE TABLE lines(id INTEGER PRIMARY KEY, order_id INTEGER REFERENCES orders(id) "
              + "DEFERRABLE INITIALLY DEFERRED)");
      s.execute("BEGIN");
      s.execute("INSERT INTO orders(sku) VALUES ('a')");
      s.execute("INSERT INTO lines(order_id) VALUES (999)");
      assertThatThrownBy(() -> s.execute("COMMIT"))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23503"));
      assertThat(orders.delivered()).isEmpty();
      s.execute("ROLLBACK");
    }
    assertThat(orders.delivered()).isEmpty();
  }

  @Test
  void s24_commitBusyInRollbackJournalThenRetryDeliversOnce() throws Exception {
    try (HeliosDB j = open(false);
        Listener l = new Listener(j, "orders");
        Connection reader = j.connection();
        Connection writer = j.connection();
        Statement r = reader.createStatement();
        Statement w = writer.createStatement()) {
      r.execute("BEGIN");
      r.executeQuery("SELECT count(*) FROM orders").close();
      w.execute("BEGIN");
      w.execute("INSERT INTO orders(sku) VALUES ('a')");
      assertThatThrownBy(() -> w.execute("COMMIT"))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("55P03"));
      assertThat(l.delivered()).isEmpty();
      r.execute("COMMIT");
      w.execute("COMMIT");
      assertThat(l.delivered()).containsExactly("a");
    }
  }

  @Test
  void s25_autocommitBusyAtImplicitCommitDropsThenLaterInsertDelivers() throws Exception {
    try (HeliosDB j = open(false);
        Listener l = new Listener(j, "orders");
        Connection reader = j.connection();
        Statement r = reader.createStatement()) {
      r.execute("BEGIN");
      r.executeQuery("SELECT count(*) FROM orders").close();
      assertThatThrownBy(() -> j.execute("INSERT INTO orders(sku) VALUES ('a')"))
          .isInstanceOfSatisfying(
              HeliosException.class, e -> assertThat(e.sqlState()).isEqualTo("55P03"));
      assertThat(l.delivered()).isEmpty();
      r.execute("COMMIT");
      assertThat(j.query("SELECT * FROM orders")).isEmpty();
      j.execute("INSERT INTO orders(sku) VALUES ('b')");
      assertThat(l.delivered()).containsExactly("b");
    }
  }

  @Test
  void s26_walWriterLockedOutDeliversNothing() throws Exception {
    try (Connection other = db.connection();
        Statement o = other.createStatement()) {
      o.execute("BEGIN IMMEDIATE");
      assertThatThrownBy(() -> db.execute("INSERT INTO orders(sku) VALUES ('a')"))
          .isInstanceOfSatisfying(
              HeliosException.class, e -> assertThat(e.sqlState()).isEqualTo("55P03"));
      o.execute("ROLLBACK");
    }
    assertThat(orders.delivered()).isEmpty();
  }

  @Test
  void s27_jdbcCommitBusyThenLaterCommitDeliversOnce() throws Exception {
    try (HeliosDB j = open(false);
        Listener l = new Listener(j, "orders");
        Connection reader = j.connection();
        Connection writer = j.connection();
        Statement r = reader.createStatement();
        Statement w = writer.createStatement()) {
      r.execute("BEGIN");
      r.executeQuery("SELECT count(*) FROM orders").close();
      writer.setAutoCommit(false);
      w.execute("INSERT INTO orders(sku) VALUES ('a')");
      assertThatThrownBy(writer::commit).isInstanceOf(SQLException.class);
      assertThat(l.delivered()).isEmpty();
      r.execute("COMMIT");
      writer.commit();
      assertThat(l.delivered()).containsExactly("a");
    }
  }

  @Test
  void diskFullDropsTheTransaction() throws Exception {
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE blobs(b BLOB)");
      s.execute(
          "CREATE TRIGGER blobs_notify AFTER INSERT ON blobs BEGIN "
              + "SELECT pg_notify('orders', 'blob'); END");
      var pages = c.createStatement().executeQuery("PRAGMA page_count");
      pages.next();
      s.execute("PRAGMA max_page_count = " + (pages.getLong(1) + 2));
      s.execute("BEGIN");
      s.execute("INSERT INTO orders(sku) VALUES ('a')");
      assertThatThrownBy(() -> s.execute("INSERT INTO blobs VALUES (zeroblob(1000000))"))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("53100"));
      try {
        s.execute("COMMIT");
      } catch (SQLException alreadyRolledBack) {
        // SQLite may have rolled the whole transaction back on SQLITE_FULL
      }
    }
    var committed = db.query("SELECT sku FROM orders").stream().map(r -> r.get("sku")).toList();
    assertThat(orders.delivered()).isEqualTo(committed);
  }

  @Test
  void writeStatementThatChangesNoRowStillDeliversItsNotifications() throws Exception {
    db.execute("INSERT INTO orders(sku) VALUES ('a')");
    // pg_notify() returns NULL, so the DELETE runs it for the row and deletes nothing: no row
    // written, but SQLite opened a write transaction for the DELETE, and its commit delivers.
    db.execute("DELETE FROM orders WHERE pg_notify('orders', 'scanned ' || sku) IS NOT NULL");
    assertThat(orders.delivered()).containsExactly("a", "scanned a");
    assertThat(db.query("SELECT sku FROM orders")).hasSize(1);
  }

  @Test
  void preparedInsertsInAJdbcTransactionDeliverAtCommitAndDropAtRollback() throws Exception {
    try (Connection c = db.connection();
        PreparedStatement insert = c.prepareStatement("INSERT INTO orders(sku) VALUES (?)")) {
      c.setAutoCommit(false);
      insert.setString(1, "kept");
      insert.executeUpdate();
      c.commit();
      insert.setString(1, "dropped");
      insert.executeUpdate();
      c.rollback();
      c.setAutoCommit(true);
      insert.setString(1, "auto");
      insert.executeUpdate();
    }
    assertThat(orders.delivered()).containsExactly("kept", "auto");
  }

  @Test
  void readOnlyStatementAfterAWriteInOneTransactionDeliversBoth() throws Exception {
    try (Connection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("BEGIN");
      s.execute("INSERT INTO orders(sku) VALUES ('a')");
      s.execute("SELECT pg_notify('orders', 'select')");
      assertThat(orders.delivered()).isEmpty();
      s.execute("COMMIT");
    }
    assertThat(orders.delivered()).containsExactly("a", "select");
  }
}
