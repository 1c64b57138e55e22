package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.wire.messages.Frames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 13: DEALLOCATE, CLOSE, DISCARD and RESET on the raw protocol, with PostgreSQL's command
 * tags, SQLSTATEs and effect on the session's prepared statements, portals and parameters.
 */
class HousekeepingWireTest {
  @TempDir Path dir;
  private WireServer server;

  @BeforeEach
  void start() throws Exception {
    server = WireServer.start(HeliosDB.open(dir.resolve("hk.db")), WireServer.Options.loopback(0));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "DEALLOCATE ALL          | DEALLOCATE ALL",
        "deallocate prepare all  | DEALLOCATE ALL",
        "CLOSE ALL               | CLOSE CURSOR ALL",
        "DISCARD ALL             | DISCARD ALL",
        "DISCARD PLANS           | DISCARD PLANS",
        "DISCARD TEMP            | DISCARD TEMP",
        "DISCARD TEMPORARY       | DISCARD TEMP",
        "DISCARD SEQUENCES       | DISCARD SEQUENCES",
        "RESET ALL               | RESET",
        "RESET TIME ZONE         | RESET",
        "RESET SESSION AUTHORIZATION | RESET",
        "SELECT pg_advisory_unlock_all() | SELECT 1",
      })
  void tagsAsPostgresSendsThemInBothProtocols(String sql, String tag) throws Exception {
    try (RawClient c = RawClient.session(server.port())) {
      assertThat(tags(c.query(sql))).containsExactly(tag);
      c.send(Frames.parse("", sql));
      c.send(Frames.bind("", "", new short[0]));
      c.send(Frames.describe('P', ""));
      c.send(Frames.execute("", 0));
      c.send(Frames.sync());
      List<Frames.Backend> answer = c.untilReady();
      assertThat(tags(answer)).containsExactly(tag);
      assertThat(answer.get(answer.size() - 1).status()).isEqualTo('I');
    }
  }

  @Test
  void deallocateClosesANamedStatementAndAnUnknownNameIs26000() throws Exception {
    try (RawClient c = RawClient.session(server.port())) {
      parseAndSync(c, "s1", "SELECT 1");
      assertThat(tags(c.query("DEALLOCATE s1"))).containsExactly("DEALLOCATE");
      c.send(Frames.bind("", "s1", new short[0]));
      c.send(Frames.sync());
      Frames.Backend e = error(c.untilReady());
      assertThat(e.sqlState()).isEqualTo("26000");
      assertThat(e.message()).isEqualTo("prepared statement \"s1\" does not exist");

      e = error(c.query("DEALLOCATE PREPARE s1"));
      assertThat(e.sqlState()).isEqualTo("26000");
      assertThat(e.message()).isEqualTo("prepared statement \"s1\" does not exist");
      parseAndSync(c, "S_2", "SELECT 2");
      assertThat(error(c.query("DEALLOCATE S_2")).sqlState())
          .as("unquoted names fold to lower case")
          .isEqualTo("26000");
      assertThat(tags(c.query("DEALLOCATE \"S_2\""))).containsExactly("DEALLOCATE");
      assertThat(tags(c.query("SELECT 1"))).containsExactly("SELECT 1");
    }
  }

  @Test
  void deallocateAllSentAsTheUnnamedStatementClosesTheNamedOnes() throws Exception {
    PreparedMemory memory = server.preparedMemory();
    try (RawClient c = RawClient.session(server.port())) {
      long before = memory.reserved();
      parseAndSync(c, "_pg3_0", "SELECT 1");
      parseAndSync(c, "_pg3_1", "SELECT 2");
      assertThat(memory.reserved()).isGreaterThan(before);
      // psycopg 3 sends it with PQsendQueryParams: the extended protocol, unnamed statement.
      c.send(Frames.parse("", "DEALLOCATE ALL"));
      c.send(Frames.bind("", "", new short[0]));
      c.send(Frames.describe('P', ""));
      c.send(Frames.execute("", 0));
      c.send(Frames.sync());
      assertThat(types(c.untilReady())).isEqualTo("12nCZ");
      for (String name : List.of("_pg3_0", "_pg3_1")) {
        c.send(Frames.describe('S', name));
        c.send(Frames.sync());
        assertThat(error(c.untilReady()).sqlState()).isEqualTo("26000");
      }
      parseAndSync(c, "_pg3_0", "SELECT 3");
      assertThat(error(c.query("DEALLOCATE _pg3_0"))).isNull();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> memory.reserved() == 0);
  }

  @Test
  void closeClosesAPortalAndCloseAllEveryPortalButItsOwn() throws Exception {
    try (RawClient c = RawClient.session(server.port())) {
      c.query("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3)");
      parseAndSync(c, "rows", "SELECT x FROM t");
      c.query("BEGIN");
      c.send(Frames.bind("p1", "rows", new short[0]));
      c.send(Frames.bind("p2", "rows", new short[0]));
      c.send(Frames.sync());
      assertThat(types(c.untilReady())).isEqualTo("22Z");

      assertThat(tags(c.query("CLOSE p1"))).containsExactly("CLOSE CURSOR");
      c.send(Frames.execute("p1", 0));
      c.send(Frames.sync());
      Frames.Backend e = error(c.untilReady());
      assertThat(e.sqlState()).isEqualTo("34000");
      c.query("ROLLBACK");

      c.query("BEGIN");
      c.send(Frames.bind("p2", "rows", new short[0]));
      c.send(Frames.parse("", "CLOSE ALL"));
      c.send(Frames.bind("", "", new short[0]));
      c.send(Frames.execute("", 0));
      c.send(Frames.execute("p2", 0));
      c.send(Frames.sync());
      List<Frames.Backend> answer = c.untilReady();
      assertThat(tags(answer)).containsExactly("CLOSE CURSOR ALL");
      assertThat(error(answer).sqlState()).as("p2 is closed").isEqualTo("34000");
      c.query("ROLLBACK");

      e = error(c.query("CLOSE nothing"));
      assertThat(e.sqlState()).isEqualTo("34000");
      assertThat(e.message()).isEqualTo("cursor \"nothing\" does not exist");
      assertThat(tags(c.query("SELECT 1"))).containsExactly("SELECT 1");
    }
  }

  @Test
  void discardAllResetsTheWholeSession() throws Exception {
    try (RawClient c = RawClient.session(server.port());
        RawClient other = RawClient.session(server.port())) {
      c.query("SET application_name = 'worker'");
      c.query("SET search_path = 'x'");
      c.query("SET myapp.tenant = 'acme'");
      c.query("LISTEN jobs");
      c.query("SELECT pg_advisory_lock(7)");
      c.query("CREATE TEMP TABLE scratch(x)");
      parseAndSync(c, "kept", "SELECT 1");

      List<Frames.Backend> answer = c.query("DISCARD ALL");
      assertThat(tags(answer)).containsExactly("DISCARD ALL");
      assertThat(parameterStatus(answer)).containsExactly("application_name=");

      assertThat(values(c.query("SHOW search_path"))).containsExactly("\"$user\", public");
      assertThat(values(c.query("SHOW myapp.tenant"))).containsExactly("");
      assertThat(values(c.query("SELECT value FROM json_each(pg_listening_channels())"))).isEmpty();
      assertThat(values(other.query("SELECT pg_try_advisory_lock(7)"))).containsExactly("t");
      assertThat(error(c.query("SELECT * FROM scratch")).sqlState()).isEqualTo("42P01");
      c.send(Frames.describe('S', "kept"));
      c.send(Frames.sync());
      assertThat(error(c.untilReady()).sqlState()).isEqualTo("26000");
      other.query("NOTIFY jobs, 'x'");
      assertThat(types(c.query("SELECT 1"))).as("no notification: unlistened").isEqualTo("TDCZ");
    }
  }

  @Test
  void discardAllIsRefusedInATransactionBlockImplicitOrNot() throws Exception {
    try (RawClient c = RawClient.session(server.port())) {
      c.query("BEGIN");
      List<Frames.Backend> answer = c.query("DISCARD ALL");
      Frames.Backend e = error(answer);
      assertThat(e.sqlState()).isEqualTo("25001");
      assertThat(e.message()).isEqualTo("DISCARD ALL cannot run inside a transaction block");
      assertThat(answer.get(answer.size() - 1).status()).isEqualTo('E');
      assertThat(tags(c.query("ROLLBACK"))).containsExactly("ROLLBACK");

      // Several statements in one query are one implicit transaction, as in PostgreSQL.
      answer = c.query("SELECT 1; DISCARD ALL");
      assertThat(error(answer).sqlState()).isEqualTo("25001");
      assertThat(answer.get(answer.size() - 1).status()).isEqualTo('I');
      assertThat(tags(c.query("DISCARD ALL"))).containsExactly("DISCARD ALL");
    }
  }

  @Test
  void asyncpgsResetQueryRunsAsOneString() throws Exception {
    try (RawClient c = RawClient.session(server.port());
        RawClient other = RawClient.session(server.port())) {
      c.query("SELECT pg_advisory_lock(1)");
      c.query("LISTEN x");
      c.query("SET application_name = 'pooled'");
      List<Frames.Backend> answer =
          c.query("SELECT pg_advisory_unlock_all();\nCLOSE ALL;\nUNLISTEN *;\nRESET ALL;");
      assertThat(error(answer)).isNull();
      assertThat(tags(answer)).containsExactly("SELECT 1", "CLOSE CURSOR ALL", "UNLISTEN", "RESET");
      assertThat(values(other.query("SELECT pg_try_advisory_lock(1)"))).containsExactly("t");
      assertThat(values(c.query("SHOW application_name"))).containsExactly("");
      assertThat(values(c.query("SELECT pg_listening_channels()"))).isEmpty();
      answer =
          c.query(
              "ROLLBACK;\nSELECT pg_advisory_unlock_all();\nCLOSE ALL;\nUNLISTEN *;\nRESET ALL;");
      assertThat(tags(answer))
          .containsExactly("ROLLBACK", "SELECT 1", "CLOSE CURSOR ALL", "UNLISTEN", "RESET");
      assertThat(answer.stream().filter(m -> m.type() == 'N').map(Frames.Backend::sqlState))
          .containsExactly("25P01");
    }
  }

  @Test
  void resetOfOneParameterAndTheSpecialForms() throws Exception {
    try (RawClient c = RawClient.session(server.port())) {
      c.query("SET TIME ZONE 'Europe/Paris'");
      c.query("SET lock_timeout = 1500");
      assertThat(values(c.query("SHOW lock_timeout"))).containsExactly("1500ms");
      assertThat(parameterStatus(c.query("RESET TIME ZONE"))).containsExactly("TimeZone=UTC");
      assertThat(tags(c.query("RESET lock_timeout"))).containsExactly("RESET");
      assertThat(values(c.query("SHOW lock_timeout"))).containsExactly("0");
      assertThat(error(c.query("RESET")).sqlState()).isEqualTo("42601");
      assertThat(error(c.query("SET lock_timeout = 'soon'")).sqlState()).isEqualTo("22023");
    }
  }

  @Test
  void unlockingALockNotHeldIsAWarning() throws Exception {
    try (RawClient c = RawClient.session(server.port())) {
      List<Frames.Backend> answer = c.query("SELECT pg_advisory_unlock(5)");
      Frames.Backend w = answer.stream().filter(m -> m.type() == 'N').findFirst().orElseThrow();
      assertThat(w.severity()).isEqualTo("WARNING");
      assertThat(w.sqlState()).isEqualTo("01000");
      assertThat(w.message()).isEqualTo("you don't own a lock of type ExclusiveLock");
      assertThat(values(answer)).containsExactly("f"); // bool, as in PostgreSQL
    }
  }

  private static void parseAndSync(RawClient c, String name, String sql) throws Exception {
    c.send(Frames.parse(name, sql));
    c.send(Frames.sync());
    assertThat(types(c.untilReady())).isEqualTo("1Z");
  }

  private static List<String> tags(List<Frames.Backend> answer) {
    return answer.stream().filter(m -> m.type() == 'C').map(Frames.Backend::tag).toList();
  }

  private static List<String> values(List<Frames.Backend> answer) {
    List<String> out = new ArrayList<>();
    answer.stream().filter(m -> m.type() == 'D').forEach(m -> out.addAll(m.values()));
    return out;
  }

  /** ParameterStatus messages as "name=value". */
  private static List<String> parameterStatus(List<Frames.Backend> answer) {
    return answer.stream()
        .filter(m -> m.type() == 'S')
        .map(
            m -> {
              io.netty.buffer.ByteBuf b = m.buf();
              return Frames.cstring(b) + "=" + Frames.cstring(b);
            })
        .toList();
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
