package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.wire.limits.MemoryBudget;
import io.heliosdb.nano.wire.messages.Frames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: what prepared statements and portals keep is bounded by the memory budget. A server of
 * the smallest budget (a 30 MiB heap: 7.5 MiB for all sessions' statements and portals, 1.875 MiB
 * for each session's named ones), clients on the raw protocol.
 */
class PreparedMemoryServerTest {
  /** About 400 KB kept: the text twice, and its column, whose name is the literal again. */
  private static final String BIG = "SELECT '" + "x".repeat(100_000) + "'";

  @TempDir Path dir;
  private WireServer server;
  private PreparedMemory pool;

  @BeforeEach
  void start() throws Exception {
    server =
        WireServer.start(
            HeliosDB.open(dir.resolve("prepared.db")),
            WireServer.Options.loopback(0).with(MemoryBudget.of(MemoryBudget.MIN_TOTAL_MB, 64)));
    pool = server.preparedMemory();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void namedStatementsBeyondTheSessionsShareGet53200AndTheSessionGoesOn() throws Exception {
    try (RawClient a = RawClient.session(server.port());
        RawClient b = RawClient.session(server.port())) {
      assertThat(error(parse(a, "s0", BIG))).isNull();
      long each = pool.reserved();
      int parsed = 1;
      Frames.Backend refusal;
      while ((refusal = error(parse(a, "s" + parsed, BIG))) == null) {
        parsed++;
      }
      assertThat(parsed).isEqualTo((int) (pool.perSession() / each));
      assertThat(refusal.severity()).isEqualTo("ERROR");
      assertThat(refusal.sqlState()).isEqualTo("53200");
      assertThat(refusal.message()).contains("prepared statement \"s" + parsed + "\"");
      assertThat(refusal.fields().get('H')).contains("Close");

      // The usual error handling: the rest up to Sync is skipped, then the session goes on.
      a.send(Frames.parse("s" + parsed, BIG));
      a.send(Frames.bind("", "s" + parsed, new short[0]));
      a.send(Frames.execute("", 0));
      a.send(Frames.sync());
      assertThat(types(a.untilReady())).isEqualTo("EZ");
      assertThat(types(a.query("SELECT 1"))).isEqualTo("TDCZ");

      assertThat(error(parse(b, "s0", BIG))).as("another session has its own share").isNull();

      a.send(Frames.close('S', "s0"));
      a.send(Frames.sync());
      assertThat(types(a.untilReady())).isEqualTo("3Z");
      assertThat(error(parse(a, "again", BIG))).as("fits once one is closed").isNull();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> pool.reserved() == 0);
  }

  @Test
  void namedPortalsBeyondTheShareGet53200UntilTheirTransactionEnds() throws Exception {
    String value = "y".repeat(300_000);
    try (RawClient a = RawClient.session(server.port())) {
      assertThat(error(parse(a, "p", "SELECT $1"))).isNull();
      long statement = pool.reserved();
      a.query("BEGIN");
      int bound = 0;
      Frames.Backend refusal;
      while ((refusal = error(bind(a, "c" + bound, value))) == null) {
        bound++;
      }
      assertThat(bound).isPositive();
      assertThat(refusal.sqlState()).isEqualTo("53200");
      assertThat(refusal.message()).contains("portal \"c" + bound + "\"");
      a.query("ROLLBACK"); // the failed Bind aborted the transaction
      assertThat(pool.reserved()).as("portals end with their transaction").isEqualTo(statement);
      a.query("BEGIN");
      assertThat(error(bind(a, "c0", value))).isNull();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> pool.reserved() == 0);
  }

  @Test
  void anUnnamedStatementIsCountedNotRefusedAndTakesTheRoomOfNamedOnes() throws Exception {
    // Not prepared by SQLite (which refuses a text over 1,000,000 bytes): kept as it came.
    String huge = "SET application_name = '" + "z".repeat(2_000_000) + "'";
    try (RawClient a = RawClient.session(server.port());
        RawClient b = RawClient.session(server.port())) {
      assertThat(error(parse(a, "", huge))).as("larger than a session's share").isNull();
      assertThat(error(parse(a, "", huge))).as("and again: it replaces the first").isNull();
      assertThat(error(parse(b, "", huge))).isNull();
      assertThat(pool.reserved()).isGreaterThan(pool.capacity());
      Frames.Backend refusal = error(parse(b, "named", "SELECT 1"));
      assertThat(refusal).as("the pool is spent").isNotNull();
      assertThat(refusal.sqlState()).isEqualTo("53200");

      assertThat(error(parse(a, "", "SELECT 1"))).isNull();
      assertThat(error(parse(b, "", "SELECT 1"))).isNull();
      assertThat(error(parse(b, "named", "SELECT 1"))).as("room again").isNull();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> pool.reserved() == 0);
  }

  @Test
  void aSessionClosedWithStatementsAndPortalsOpenGivesBackAllTheyHeld() throws Exception {
    try (RawClient a = RawClient.session(server.port())) {
      a.query("BEGIN");
      parse(a, "named", "SELECT $1");
      parse(a, "", "SELECT $1, $2");
      bind(a, "portal", "v".repeat(100_000));
      a.send(Frames.bind("", "", new short[0], "w".repeat(100_000), "x"));
      a.send(Frames.sync());
      assertThat(types(a.untilReady())).isEqualTo("2Z");
      assertThat(pool.reserved()).isGreaterThan(400_000);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> pool.reserved() == 0);
  }

  @Test
  void aParameterAbove65535IsRefusedAtParseWith42P02() throws Exception {
    try (RawClient a = RawClient.session(server.port())) {
      Frames.Backend refusal = error(parse(a, "s", "SELECT $70000"));
      assertThat(refusal).isNotNull();
      assertThat(refusal.severity()).isEqualTo("ERROR");
      assertThat(refusal.sqlState()).isEqualTo("42P02");
      assertThat(refusal.message()).isEqualTo("there is no parameter $70000");
      assertThat(pool.reserved()).isZero();
      assertThat(types(a.query("SELECT 1"))).isEqualTo("TDCZ");
    }
  }

  /** Parse and Sync; the answer up to ReadyForQuery. */
  private static List<Frames.Backend> parse(RawClient c, String name, String sql) throws Exception {
    c.send(Frames.parse(name, sql));
    c.send(Frames.sync());
    return c.untilReady();
  }

  /** Bind a portal of statement "p" (or "named") with one text value, and Sync. */
  private static List<Frames.Backend> bind(RawClient c, String portal, String value)
      throws Exception {
    c.send(Frames.bind(portal, portal.equals("portal") ? "named" : "p", new short[0], value));
    c.send(Frames.sync());
    return c.untilReady();
  }

  private static Frames.Backend error(List<Frames.Backend> answer) {
    return answer.stream().filter(m -> m.type() == 'E').findFirst().orElse(null);
  }

  private static String types(List<Frames.Backend> answer) {
    StringBuilder s = new StringBuilder();
    answer.forEach(m -> s.append(m.type()));
    return s.toString();
  }
}
