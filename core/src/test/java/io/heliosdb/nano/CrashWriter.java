package io.heliosdb.nano;

import io.heliosdb.nano.config.HeliosConfig;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.Statement;

/**
 * The child process of {@link CrashSafetyTest}: writes transactions of three rows, each row's
 * trigger sending a durable notification, every third transaction rolled back, until killed. Prints
 * the number of each transaction it committed.
 */
public final class CrashWriter {
  public static void main(String[] args) throws Exception {
    HeliosConfig config =
        HeliosConfig.builder().path(Path.of(args[0])).durableChannels("orders").build();
    HeliosDB db = HeliosDB.open(config);
    HeliosConnection c = db.connection();
    long start = Long.parseLong(args[1]);
    try (Statement s = c.createStatement();
        PreparedStatement insert = c.prepareStatement("INSERT INTO orders(v) VALUES (?)")) {
      for (long k = start; ; k++) {
        s.execute("BEGIN");
        for (int i = 0; i < 3; i++) {
          insert.setLong(1, k);
          insert.executeUpdate();
        }
        if (k % 3 == 0) {
          s.execute("ROLLBACK");
        } else {
          s.execute("COMMIT");
          System.out.println(k);
          System.out.flush();
        }
      }
    }
  }

  private CrashWriter() {}
}
