package io.heliosdb.nano.wire.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.wire.WireServer;
import io.heliosdb.nano.wire.messages.PgFrameDecoder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * max_connections beyond what the open-file limit holds: the server says so at start and admits
 * only as many sessions as fit (a socket each, beside room for SQLite connections of two
 * descriptors each with a database file), instead of letting accept() fail and clients hang.
 */
class DescriptorBudgetTest {
  @TempDir Path dir;

  @Test
  void aMaxConnectionsTheOpenFileLimitCannotHoldIsCappedAndSaidAtStart() throws Exception {
    int huge = 50_000_000;
    try (WireServer server =
        WireServer.start(
            HeliosDB.open(dir.resolve("shop.db")),
            new WireServer.Options(
                "127.0.0.1", 0, huge, PgFrameDecoder.DEFAULT_MAX_MESSAGE_BYTES))) {
      String warning = server.descriptorWarning();
      assertThat(warning).contains("max_connections = " + huge, "1 per session", "ulimit -n");
      Matcher m = Pattern.compile("at most (\\d+) sessions").matcher(warning);
      assertThat(m.find()).isTrue();
      long fit = Long.parseLong(m.group(1));
      assertThat(fit + 2L * DescriptorBudget.CONNECTION_ROOM)
          .isLessThanOrEqualTo(DescriptorBudget.limit());
      try (Connection c =
              DriverManager.getConnection(
                  "jdbc:postgresql://127.0.0.1:" + server.port() + "/x", "u", "");
          ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
        assertThat(rs.next()).as("sessions within the budget are served").isTrue();
      }
    }
  }

  @Test
  void aMaxConnectionsThatFitsSaysNothing() throws Exception {
    try (WireServer server =
        WireServer.start(HeliosDB.open(dir.resolve("small.db")), WireServer.Options.loopback(0))) {
      assertThat(server.descriptorWarning()).isNull();
    }
  }
}
