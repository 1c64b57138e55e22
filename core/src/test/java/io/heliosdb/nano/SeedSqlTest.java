package io.heliosdb.nano;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliosdb.nano.config.HeliosConfig;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLite features the product promises, with notifying triggers on top. */
class SeedSqlTest {
  @TempDir Path dir;

  private static List<String> drain(Subscription sub, int n) throws InterruptedException {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Notification x = sub.poll(Duration.ofSeconds(5));
      assertThat(x).as("notification %d of %d", i + 1, n).isNotNull();
      out.add(x.payload());
    }
    assertThat(sub.poll()).isNull();
    return out;
  }

  @Test
  void seedFeaturesWorkWithNotifyingTriggersUnderTrustedSchemaOff() throws Exception {
    try (HeliosDB db = HeliosDB.open(dir.resolve("seed.db"));
        Subscription sub = db.pubsub().subscribe("items");
        HeliosConnection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("PRAGMA trusted_schema = OFF");
      s.execute(
          "CREATE TABLE items(id INTEGER PRIMARY KEY AUTOINCREMENT, sku TEXT UNIQUE, qty INTEGER,"
              + " ts TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))");
      s.execute(
          "CREATE TRIGGER items_ins AFTER INSERT ON items WHEN NEW.qty > 0 BEGIN "
              + "SELECT pg_notify('items', json_object('op', 'ins', 'sku', NEW.sku, 'qty', NEW.qty));"
              + " END");
      s.execute(
          "CREATE TRIGGER items_upd AFTER UPDATE ON items BEGIN "
              + "SELECT NOTIFY('items', json_object('op', 'upd', 'sku', NEW.sku, 'qty', NEW.qty));"
              + " END");

      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO items(sku, qty) VALUES (?, ?) RETURNING id, ts")) {
        ps.setString(1, "apple");
        ps.setInt(2, 3);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong("id")).isEqualTo(1);
          assertThat(rs.getString("ts")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        }
      }
      // WHEN clause: qty 0 does not notify. ?1 parameters can repeat.
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO items(sku, qty) VALUES (?1, length(?1) * 0)")) {
        ps.setString(1, "ghost");
        ps.executeUpdate();
      }
      s.execute(
          "INSERT INTO items(sku, qty) VALUES ('apple', 5) "
              + "ON CONFLICT(sku) DO UPDATE SET qty = qty + excluded.qty");
      s.execute("INSERT OR REPLACE INTO items(id, sku, qty) VALUES (10, 'pear', 1)");

      assertThat(drain(sub, 3))
          .containsExactly(
              "{\"op\":\"ins\",\"sku\":\"apple\",\"qty\":3}",
              "{\"op\":\"upd\",\"sku\":\"apple\",\"qty\":8}",
              "{\"op\":\"ins\",\"sku\":\"pear\",\"qty\":1}");
    }
  }

  @Test
  void returningInAutocommitDeliversWhenTheResultIsConsumed() throws Exception {
    try (HeliosDB db = HeliosDB.inMemory();
        Subscription sub = db.pubsub().subscribe("r");
        HeliosConnection c = db.connection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE r(id INTEGER PRIMARY KEY, v TEXT)");
      s.execute("CREATE TRIGGER r_n AFTER INSERT ON r BEGIN SELECT pg_notify('r', NEW.v); END");
      try (ResultSet rs = s.executeQuery("INSERT INTO r(v) VALUES ('a'), ('b') RETURNING id")) {
        assertThat(rs.next()).isTrue();
      }
      assertThat(drain(sub, 2)).containsExactly("a", "b");
    }
  }

  @Test
  void returningLeftOpenCommitsAndDeliversWhenTheConnectionCloses() throws Exception {
    try (HeliosDB db = HeliosDB.inMemory();
        Subscription sub = db.pubsub().subscribe("r")) {
      db.execute("CREATE TABLE r(id INTEGER PRIMARY KEY, v TEXT)");
      db.execute("CREATE TRIGGER r_n AFTER INSERT ON r BEGIN SELECT pg_notify('r', NEW.v); END");
      HeliosConnection c = db.connection();
      ResultSet rs = c.createStatement().executeQuery("INSERT INTO r(v) VALUES ('a') RETURNING id");
      assertThat(rs.next()).isTrue();
      assertThat(sub.poll()).isNull();
      c.close(); // finalises the statement, which commits it
      assertThat(db.query("SELECT count(*) AS n FROM r").get(0).get("n")).isEqualTo(1);
      assertThat(drain(sub, 1)).containsExactly("a");
    }
  }

  @Test
  void memoryLimitBoundsPageCacheAndValueSize() {
    try (HeliosDB db = HeliosDB.open(HeliosConfig.builder().inMemory().memoryLimitMb(16).build())) {
      assertThatThrownBy(() -> db.query("SELECT length(randomblob(8 * 1024 * 1024))"))
          .isInstanceOfSatisfying(
              HeliosException.class, e -> assertThat(e.sqlState()).isEqualTo("54000"))
          .hasMessageContaining("too big");
      assertThat(db.query("SELECT length(randomblob(1024)) AS n").get(0).get("n")).isEqualTo(1024);
      assertThat(db.query("PRAGMA cache_size").get(0).get("cache_size")).isEqualTo(-4096);
    }
  }

  @Test
  void pragmasPassThrough() {
    try (HeliosDB db =
        HeliosDB.open(HeliosConfig.builder().path(dir.resolve("p.db")).pageSize(8192).build())) {
      assertThat(db.query("PRAGMA page_size").get(0).get("page_size")).isEqualTo(8192);
      db.execute("PRAGMA user_version = 7");
      assertThat(db.query("PRAGMA user_version").get(0).get("user_version")).isEqualTo(7);
    }
  }
}
