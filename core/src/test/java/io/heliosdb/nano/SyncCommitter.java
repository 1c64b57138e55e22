package io.heliosdb.nano;

import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.config.Synchronous;
import java.nio.file.Path;
import java.sql.PreparedStatement;

/**
 * The child process of {@link SynchronousFsyncTest}: opens a file with a synchronous mode and makes
 * N autocommit inserts, each with a durable notification from its trigger, then backs the file up
 * with {@code VACUUM INTO}. Arguments: file, mode (normal or full), N, the backup's file.
 */
public final class SyncCommitter {
  public static void main(String[] args) throws Exception {
    HeliosConfig config =
        HeliosConfig.builder()
            .path(Path.of(args[0]))
            .synchronous(Synchronous.parse(args[1]))
            .durableChannels("orders")
            .build();
    int commits = Integer.parseInt(args[2]);
    try (HeliosDB db = HeliosDB.open(config);
        HeliosConnection c = db.connection()) {
      db.execute("CREATE TABLE orders(id INTEGER PRIMARY KEY AUTOINCREMENT, v INTEGER)");
      db.execute(
          "CREATE TRIGGER orders_notify AFTER INSERT ON orders BEGIN "
              + "SELECT pg_notify('orders', NEW.id); END");
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO orders(v) VALUES (?)")) {
        for (int i = 0; i < commits; i++) {
          insert.setInt(1, i);
          insert.executeUpdate();
        }
      }
      try (java.sql.Statement s = c.createStatement()) {
        s.execute("VACUUM INTO '" + args[3].replace("'", "''") + "'");
      }
    }
  }

  private SyncCommitter() {}
}
