package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.wire.auth.Authentication;
import io.heliosdb.nano.wire.messages.Frames;
import io.heliosdb.nano.wire.messages.Frames.Backend;
import io.heliosdb.nano.wire.messages.MessageTypes;
import io.heliosdb.nano.wire.messages.PgFrameDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The protocol state machine, driven byte by byte through an {@link EmbeddedChannel} on a real
 * in-memory database. Session work runs inline (a direct executor), so every answer is in the
 * outbound queue when {@code writeInbound} returns.
 */
class PgWireHandlerTest {
  private static final int MAX_MESSAGE = 1 << 20;

  private HeliosDB db = HeliosDB.inMemory();
  private SessionRegistry registry = new SessionRegistry(10);
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @AfterEach
  void close() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    db.close();
  }

  private EmbeddedChannel connect() {
    PgFrameDecoder decoder = new PgFrameDecoder(MAX_MESSAGE);
    EmbeddedChannel ch =
        new EmbeddedChannel(
            decoder,
            new PgWireHandler(db, registry, Runnable::run, decoder, Authentication.trust()));
    channels.add(ch);
    return ch;
  }

  private static List<Backend> send(EmbeddedChannel ch, ByteBuf... frames) {
    return EmbeddedWire.send(ch, frames);
  }

  private static List<Backend> received(EmbeddedChannel ch) {
    return EmbeddedWire.received(ch);
  }

  private EmbeddedChannel session() {
    EmbeddedChannel ch = connect();
    assertThat(send(ch, Frames.startup("user", "test"))).last().hasToString("Z I");
    return ch;
  }

  private static String types(List<Backend> messages) {
    return messages.stream().map(m -> String.valueOf(m.type())).collect(Collectors.joining());
  }

  private static int pidOf(List<Backend> greeting) {
    return greeting.stream().filter(m -> m.type() == 'K').findFirst().orElseThrow().buf().readInt();
  }

  @Test
  void startupIsAnsweredWithTrustGreetingParametersKeyAndReadyForQuery() {
    EmbeddedChannel ch = connect();
    List<Backend> greeting =
        send(ch, Frames.startup("user", "ann", "database", "x", "application_name", "report"));
    assertThat(types(greeting)).matches("RS+KZ");
    assertThat(greeting.get(0).buf().readInt()).isZero(); // AuthenticationOk
    Map<String, String> params =
        greeting.stream()
            .filter(m -> m.type() == 'S')
            .collect(Collectors.toMap(m -> Frames.cstring(m.buf()), m -> paramValue(m)));
    assertThat(params)
        .containsEntry("server_version", "15.0 (HeliosDB Nano)")
        .containsEntry("server_encoding", "UTF8")
        .containsEntry("client_encoding", "UTF8")
        .containsEntry("DateStyle", "ISO, MDY")
        .containsEntry("TimeZone", "UTC")
        .containsEntry("integer_datetimes", "on")
        .containsEntry("standard_conforming_strings", "on")
        .containsEntry("application_name", "report")
        .containsEntry("is_superuser", "off")
        .containsEntry("session_authorization", "ann");
    assertThat(pidOf(greeting)).isPositive();
    assertThat(greeting.get(greeting.size() - 1).status()).isEqualTo('I');
    assertThat(registry.admitted()).isEqualTo(1);
  }

  private static String paramValue(Backend m) {
    ByteBuf b = m.buf();
    Frames.cstring(b);
    return Frames.cstring(b);
  }

  @Test
  void sslRequestIsRefusedWithNAndTheClientGoesOnInPlainText() {
    EmbeddedChannel ch = connect();
    ch.writeInbound(Frames.untyped(MessageTypes.SSL_REQUEST));
    ByteBuf answer = ch.readOutbound();
    assertThat(answer.readableBytes()).isEqualTo(1);
    assertThat((char) answer.readByte()).isEqualTo('N');
    answer.release();
    assertThat(send(ch, Frames.startup("user", "u"))).last().hasToString("Z I");
  }

  /** The answer is exactly one FATAL ErrorResponse with {@code sqlState}; the channel closed. */
  private static Backend fatalAndClosed(EmbeddedChannel ch, List<Backend> got, String sqlState) {
    assertThat(got).hasSize(1);
    assertThat(got.get(0).type()).isEqualTo('E');
    assertThat(got.get(0).severity()).isEqualTo("FATAL");
    assertThat(got.get(0).sqlState()).isEqualTo(sqlState);
    assertThat(ch.isOpen()).isFalse();
    return got.get(0);
  }

  @Test
  void oversizedStartupPacketIsFatal08P01AndCloses() {
    EmbeddedChannel ch = connect();
    fatalAndClosed(
        ch,
        send(ch, Unpooled.buffer().writeInt(20_000).writeInt(MessageTypes.PROTOCOL_3_0)),
        "08P01");
  }

  @Test
  void oversizedMessageIsFatal08P01AndCloses() {
    EmbeddedChannel ch = session();
    fatalAndClosed(
        ch, send(ch, Unpooled.buffer().writeByte('Q').writeInt(MAX_MESSAGE + 100)), "08P01");
    assertThat(registry.admitted()).isZero();
  }

  @Test
  void unknownMessageTypeIsFatal08P01AndCloses() {
    EmbeddedChannel ch = session();
    Backend fatal = fatalAndClosed(ch, send(ch, Frames.typed('y', new byte[] {1, 2})), "08P01");
    assertThat(fatal.message()).isEqualTo("invalid frontend message type 121");
  }

  private static final short[] TEXT = new short[0];

  /** Parse, Bind (text parameters), Execute, Sync on the unnamed statement and portal. */
  private static List<Backend> parseBindExecute(EmbeddedChannel ch, String sql, String... params) {
    return send(
        ch,
        Frames.parse("", sql),
        Frames.bind("", "", TEXT, params),
        Frames.execute("", 0),
        Frames.sync());
  }

  private static final short[] BINARY = new short[] {1};

  @Test
  void parseBindDescribeExecuteSyncRunsAStatementWithParameters() {
    EmbeddedChannel ch = session();
    send(ch, Frames.query("CREATE TABLE t(id INTEGER, name TEXT)"));
    List<Backend> got =
        send(
            ch,
            Frames.parse("", "INSERT INTO t VALUES ($1, $2)", 23, 0),
            Frames.bind("", "", TEXT, "7", "seven"),
            Frames.describe('P', ""),
            Frames.execute("", 0),
            Frames.sync());
    assertThat(got).map(Backend::toString).containsExactly("1", "2", "n", "C INSERT 0 1", "Z I");
    got =
        send(
            ch,
            Frames.parse("q", "SELECT name, id FROM t WHERE id = $1"),
            Frames.describe('S', "q"),
            Frames.bind("", "q", TEXT, "7"),
            Frames.describe('P', ""),
            Frames.execute("", 0),
            Frames.sync());
    assertThat(types(got)).isEqualTo("1tT2TDCZ");
    ByteBuf params = got.get(1).buf();
    assertThat(params.readShort()).isEqualTo((short) 1);
    assertThat(params.readInt()).isEqualTo(20); // unspecified: the type of id, int8
    assertThat(got.get(2).columns()).containsExactly("name:25", "id:20");
    assertThat(got.get(5).values()).containsExactly("seven", "7");
    assertThat(got.get(6).tag()).isEqualTo("SELECT 1");
  }

  @Test
  void namedStatementIsReusedWithRepeatedAndReorderedParameters() {
    EmbeddedChannel ch = session();
    send(ch, Frames.parse("s", "SELECT $2 || $1 || $2 AS v"), Frames.sync());
    for (String x : List.of("a", "b", "c")) {
      List<Backend> got =
          send(ch, Frames.bind("", "s", TEXT, x, "-"), Frames.execute("", 0), Frames.sync());
      assertThat(types(got)).isEqualTo("2DCZ");
      assertThat(got.get(1).values()).containsExactly("-" + x + "-");
    }
  }

  @Test
  void twoPortalsOfOneStatementKeepTheirOwnValues() {
    EmbeddedChannel ch = session();
    List<Backend> got =
        send(
            ch,
            Frames.parse("s", "SELECT $1 AS v"),
            Frames.bind("a", "s", TEXT, "first"),
            Frames.bind("b", "s", TEXT, "second"),
            Frames.execute("a", 0),
            Frames.execute("b", 0),
            Frames.sync());
    assertThat(types(got)).isEqualTo("122DCDCZ");
    assertThat(got.get(3).values()).containsExactly("first");
    assertThat(got.get(5).values()).containsExactly("second");
  }

  @Test
  void rowLimitSuspendsThePortalAndTheNextExecuteContinuesIt() {
    EmbeddedChannel ch = session();
    send(ch, Frames.query("CREATE TABLE n(i INTEGER); INSERT INTO n VALUES (1),(2),(3),(4),(5)"));
    send(ch, Frames.query("BEGIN"));
    List<Backend> got =
        send(
            ch,
            Frames.parse("", "SELECT i FROM n ORDER BY i"),
            Frames.bind("c", "", TEXT),
            Frames.execute("c", 2),
            Frames.sync());
    assertThat(types(got)).isEqualTo("12DDsZ");
    assertThat(got.get(2).values()).containsExactly("1");
    assertThat(got.get(got.size() - 1).status()).isEqualTo('T');
    got = send(ch, Frames.execute("c", 2), Frames.sync());
    assertThat(types(got)).isEqualTo("DDsZ");
    assertThat(got.get(0).values()).containsExactly("3");
    got = send(ch, Frames.execute("c", 2), Frames.sync());
    assertThat(types(got)).isEqualTo("DCZ");
    assertThat(got.get(0).values()).containsExactly("5");
    assertThat(got.get(1).tag()).isEqualTo("SELECT 5");
    send(ch, Frames.query("COMMIT"));
  }

  @Test
  void errorIsFollowedByDiscardUntilSyncAndTheSessionStaysUsable() {
    EmbeddedChannel ch = session();
    List<Backend> got =
        send(
            ch,
            Frames.parse("", "SELECT * FROM missing"),
            Frames.bind("", "", TEXT),
            Frames.execute("", 0),
            Frames.query("SELECT 'discarded too'"),
            Frames.sync());
    assertThat(types(got)).isEqualTo("EZ");
    assertThat(got.get(0).sqlState()).isEqualTo("42P01");
    assertThat(got.get(1).status()).isEqualTo('I');
    got = parseBindExecute(ch, "SELECT 1 AS one");
    assertThat(types(got)).isEqualTo("12DCZ");
  }

  @Test
  void errorInsideABlockFailsTheBlockUntilRollback() {
    EmbeddedChannel ch = session();
    send(ch, Frames.query("BEGIN"));
    List<Backend> got = send(ch, Frames.parse("", "SELECT * FROM missing"), Frames.sync());
    assertThat(got).map(Backend::toString).last().isEqualTo("Z E");
    got = parseBindExecute(ch, "SELECT 1");
    assertThat(got.get(2).sqlState()).isEqualTo("25P02");
    assertThat(got).map(Backend::toString).last().isEqualTo("Z E");
    got = parseBindExecute(ch, "ROLLBACK");
    assertThat(got).map(Backend::toString).containsExactly("1", "2", "C ROLLBACK", "Z I");
  }

  @Test
  void unknownStatementAndPortalAreErrors26000And34000() {
    EmbeddedChannel ch = session();
    List<Backend> got = send(ch, Frames.bind("", "nope", TEXT), Frames.sync());
    assertThat(got.get(0).sqlState()).isEqualTo("26000");
    assertThat(got.get(1)).hasToString("Z I");
    got = send(ch, Frames.describe('S', "nope"), Frames.sync());
    assertThat(got.get(0).sqlState()).isEqualTo("26000");
    got = send(ch, Frames.execute("nope", 0), Frames.sync());
    assertThat(got.get(0).sqlState()).isEqualTo("34000");
    got = send(ch, Frames.describe('P', "nope"), Frames.sync());
    assertThat(got.get(0).sqlState()).isEqualTo("34000");
  }

  @Test
  void closeRemovesStatementsAndPortals() {
    EmbeddedChannel ch = session();
    List<Backend> got =
        send(
            ch,
            Frames.parse("s", "SELECT 1"),
            Frames.bind("p", "s", TEXT),
            Frames.close('P', "p"),
            Frames.close('S', "s"),
            Frames.close('S', "never-existed"),
            Frames.sync());
    assertThat(types(got)).isEqualTo("12333Z");
    assertThat(send(ch, Frames.bind("", "s", TEXT), Frames.sync()).get(0).sqlState())
        .isEqualTo("26000");
    assertThat(send(ch, Frames.execute("p", 0), Frames.sync()).get(0).sqlState())
        .isEqualTo("34000");
  }

  @Test
  void flushSendsWhatIsBufferedBeforeSync() {
    EmbeddedChannel ch = session();
    assertThat(send(ch, Frames.parse("s", "SELECT 1"))).isEmpty();
    assertThat(types(send(ch, Frames.flush()))).isEqualTo("1");
    assertThat(types(send(ch, Frames.sync()))).isEqualTo("Z");
  }

  @Test
  void parameterThatDoesNotReadAsItsDeclaredTypeIs22P02() {
    EmbeddedChannel ch = session();
    List<Backend> got =
        send(
            ch,
            Frames.parse("", "SELECT $1 + 1", 23),
            Frames.bind("", "", TEXT, "abc"),
            Frames.sync());
    assertThat(got.get(1).sqlState()).isEqualTo("22P02");
    assertThat(got.get(1).message()).isEqualTo("invalid input syntax for type integer: \"abc\"");
    assertThat(got.get(2)).hasToString("Z I");
  }

  @Test
  void multipleStatementsInOneParseAre42601() {
    EmbeddedChannel ch = session();
    List<Backend> got = send(ch, Frames.parse("", "SELECT 1; SELECT 2"), Frames.sync());
    assertThat(got.get(0).sqlState()).isEqualTo("42601");
    assertThat(got.get(0).message())
        .isEqualTo("cannot insert multiple commands into a prepared statement");
  }

  @Test
  void statementsBeforeSyncFormOneImplicitTransaction() {
    EmbeddedChannel ch = session();
    send(ch, Frames.query("CREATE TABLE u(id INTEGER PRIMARY KEY)"));
    List<Backend> got =
        send(
            ch,
            Frames.parse("ins", "INSERT INTO u VALUES ($1)", 20),
            Frames.bind("", "ins", TEXT, "1"),
            Frames.execute("", 0),
            Frames.bind("", "ins", TEXT, "1"),
            Frames.execute("", 0),
            Frames.sync());
    assertThat(got.get(got.size() - 2).sqlState()).isEqualTo("23505");
    assertThat(got).map(Backend::toString).last().isEqualTo("Z I");
    // The first insert was rolled back with the second.
    assertThat(send(ch, Frames.query("SELECT count(*) FROM u")).get(1).values())
        .containsExactly("0");
  }

  @Test
  void simpleQueryAfterExecuteWithoutSyncCommitsTheImplicitTransaction() {
    EmbeddedChannel ch = session();
    send(ch, Frames.query("CREATE TABLE w(x INTEGER)"));
    List<Backend> got =
        send(
            ch,
            Frames.parse("", "INSERT INTO w VALUES (1)"),
            Frames.bind("", "", TEXT),
            Frames.execute("", 0),
            Frames.query("SELECT count(*) FROM w"));
    assertThat(got).map(Backend::toString).endsWith("C SELECT 1", "Z I");
    assertThat(got.get(got.size() - 3).values()).containsExactly("1");
  }

  @Test
  void binaryResultsAndParameters() {
    EmbeddedChannel ch = session();
    send(ch, Frames.query("CREATE TABLE b(i INTEGER, f REAL, x BLOB, ok BOOLEAN, s TEXT)"));
    byte[][] values = {
      ByteBuffer.allocate(4).putInt(42).array(),
      ByteBuffer.allocate(8).putDouble(0.5).array(),
      new byte[] {1, 2, 3},
      new byte[] {1},
      "hé".getBytes(StandardCharsets.UTF_8)
    };
    List<Backend> got =
        send(
            ch,
            Frames.parse("", "INSERT INTO b VALUES ($1, $2, $3, $4, $5)", 23, 701, 17, 16, 25),
            Frames.bind("", "", new short[] {1}, values, TEXT),
            Frames.execute("", 0),
            Frames.parse("", "SELECT i, f, x, ok, s FROM b"),
            Frames.bind("", "", BINARY),
            Frames.describe('P', ""),
            Frames.execute("", 0),
            Frames.sync());
    assertThat(types(got)).isEqualTo("12C12TDCZ");
    ByteBuf row = got.get(6).buf();
    assertThat(row.readShort()).isEqualTo((short) 5);
    assertThat(row.readInt()).isEqualTo(8);
    assertThat(row.readLong()).isEqualTo(42);
    assertThat(row.readInt()).isEqualTo(8);
    assertThat(row.readDouble()).isEqualTo(0.5);
    assertThat(row.readInt()).isEqualTo(3);
    assertThat(row.readByte()).isEqualTo((byte) 1);
    row.skipBytes(2);
    assertThat(row.readInt()).isEqualTo(1);
    assertThat(row.readByte()).isEqualTo((byte) 1);
    assertThat(row.readInt()).isEqualTo(3);
    assertThat(row.readCharSequence(3, StandardCharsets.UTF_8).toString()).isEqualTo("hé");
  }

  @Test
  void binaryForATypeWithoutBinaryEncodingIsRefusedAtBind() {
    EmbeddedChannel ch = session();
    send(ch, Frames.query("CREATE TABLE d(amount JSONB)"));
    List<Backend> got =
        send(
            ch,
            Frames.parse("", "SELECT amount FROM d"),
            Frames.bind("", "", BINARY),
            Frames.sync());
    assertThat(got.get(1).sqlState()).isEqualTo("0A000");
  }

  @Test
  void listenAndNotifyThroughTheExtendedProtocolDeliverAfterCommandCompleteBeforeReady() {
    EmbeddedChannel ch = session();
    assertThat(
            send(
                ch,
                Frames.parse("", "LISTEN ch"),
                Frames.bind("", "", TEXT),
                Frames.describe('P', ""),
                Frames.execute("", 0),
                Frames.sync()))
        .map(Backend::toString)
        .containsExactly("1", "2", "n", "C LISTEN", "Z I");
    List<Backend> got = parseBindExecute(ch, "SELECT pg_notify('ch', $1)", "hello");
    assertThat(types(got)).isEqualTo("12DCAZ");
    assertThat(got.get(4).notification()).endsWith(" ch hello");
  }

  @Test
  void setAndShowWorkThroughTheExtendedProtocol() {
    EmbeddedChannel ch = session();
    assertThat(types(parseBindExecute(ch, "SET extra_float_digits = 3"))).isEqualTo("12CZ");
    List<Backend> got =
        send(
            ch,
            Frames.parse("", "SHOW extra_float_digits"),
            Frames.bind("", "", TEXT),
            Frames.describe('P', ""),
            Frames.execute("", 0),
            Frames.sync());
    assertThat(types(got)).isEqualTo("12TDCZ");
    assertThat(got.get(3).values()).containsExactly("3");
  }

  @Test
  void emptyQueryIsAnsweredWithEmptyQueryResponse() {
    EmbeddedChannel ch = session();
    assertThat(types(send(ch, Frames.query("")))).isEqualTo("IZ");
    assertThat(types(send(ch, Frames.query(" ; -- nothing here")))).isEqualTo("IZ");
  }

  @Test
  void multiStatementQueryAnswersEachStatementInOrder() {
    EmbeddedChannel ch = session();
    List<Backend> got =
        send(
            ch,
            Frames.query(
                "CREATE TABLE t(x INTEGER, s TEXT); INSERT INTO t VALUES (1, 'a'), (2, NULL);"
                    + " SELECT x, s FROM t ORDER BY x"));
    assertThat(types(got)).isEqualTo("CCTDDCZ");
    assertThat(got.get(0).tag()).isEqualTo("CREATE TABLE");
    assertThat(got.get(1).tag()).isEqualTo("INSERT 0 2");
    assertThat(got.get(2).columns()).containsExactly("x:20", "s:25");
    assertThat(got.get(3).values()).containsExactly("1", "a");
    assertThat(got.get(4).values()).containsExactly("2", null);
    assertThat(got.get(5).tag()).isEqualTo("SELECT 2");
    assertThat(got.get(6).status()).isEqualTo('I');
  }

  @Test
  void multiStatementQueryIsOneImplicitTransactionThatAnErrorRollsBack() {
    EmbeddedChannel ch = session();
    List<Backend> got =
        send(
            ch,
            Frames.query(
                "CREATE TABLE u(x); INSERT INTO u VALUES (1); INSERT INTO nope VALUES (1)"));
    assertThat(types(got)).isEqualTo("CCEZ");
    assertThat(got.get(2).sqlState()).isEqualTo("42P01");
    assertThat(got.get(3).status()).isEqualTo('I');
    assertThat(send(ch, Frames.query("SELECT * FROM u")).get(0).sqlState()).isEqualTo("42P01");
  }

  @Test
  void errorInABlockFailsItUntilRollbackAndCommitOfAFailedBlockRollsBack() {
    EmbeddedChannel ch = session();
    assertThat(send(ch, Frames.query("BEGIN")))
        .extracting(Backend::toString)
        .containsExactly("C BEGIN", "Z T");
    List<Backend> error = send(ch, Frames.query("SELEC 1"));
    assertThat(error.get(0).sqlState()).isEqualTo("42601");
    assertThat(error.get(1).status()).isEqualTo('E');
    List<Backend> refused = send(ch, Frames.query("SELECT 1"));
    assertThat(refused.get(0).sqlState()).isEqualTo("25P02");
    assertThat(refused.get(0).message())
        .isEqualTo(
            "current transaction is aborted, commands ignored until end of transaction block");
    assertThat(refused.get(1).status()).isEqualTo('E');
    assertThat(send(ch, Frames.query("ROLLBACK")))
        .extracting(Backend::toString)
        .containsExactly("C ROLLBACK", "Z I");
    assertThat(types(send(ch, Frames.query("SELECT 1")))).isEqualTo("TDCZ");

    send(ch, Frames.query("BEGIN"));
    send(ch, Frames.query("CREATE TABLE gone(x)"));
    assertThat(send(ch, Frames.query("INSERT INTO missing VALUES (1)")).get(1).status())
        .isEqualTo('E');
    assertThat(send(ch, Frames.query("COMMIT")))
        .extracting(Backend::toString)
        .containsExactly("C ROLLBACK", "Z I");
    assertThat(send(ch, Frames.query("SELECT * FROM gone")).get(0).sqlState()).isEqualTo("42P01");
  }

  @Test
  void commitOutsideABlockAndBeginInsideOneAreWarningsAsInPostgres() {
    EmbeddedChannel ch = session();
    List<Backend> commit = send(ch, Frames.query("COMMIT"));
    assertThat(types(commit)).isEqualTo("NCZ");
    assertThat(commit.get(0).severity()).isEqualTo("WARNING");
    assertThat(commit.get(0).sqlState()).isEqualTo("25P01");
    send(ch, Frames.query("BEGIN"));
    List<Backend> begin = send(ch, Frames.query("BEGIN"));
    assertThat(begin.get(0).sqlState()).isEqualTo("25001");
    assertThat(begin).last().hasToString("Z T");
  }

  @Test
  void ownNotifyArrivesAfterCommandCompleteAndBeforeReadyForQuery() {
    EmbeddedChannel ch = connect();
    int pid = pidOf(send(ch, Frames.startup("user", "u")));
    send(ch, Frames.query("LISTEN jobs"));
    List<Backend> got = send(ch, Frames.query("NOTIFY jobs, 'mine'"));
    assertThat(types(got)).isEqualTo("CAZ");
    assertThat(got.get(1).notification()).isEqualTo(pid + " jobs mine");
  }

  @Test
  void idleSessionGetsAnotherSendersNotificationAtOnceButNotInsideABlock() {
    EmbeddedChannel ch = session();
    send(ch, Frames.query("LISTEN jobs"));
    db.pubsub().notify("jobs", "while idle");
    assertThat(received(ch))
        .extracting(Backend::notification)
        .singleElement()
        .asString()
        .endsWith(" jobs while idle");

    send(ch, Frames.query("BEGIN"));
    db.pubsub().notify("jobs", "while in a block");
    assertThat(received(ch)).isEmpty();
    List<Backend> commit = send(ch, Frames.query("COMMIT"));
    assertThat(types(commit)).isEqualTo("CAZ");
    assertThat(commit.get(1).notification()).endsWith(" jobs while in a block");
  }

  @Test
  void overflowMarkerBecomesAWarningNoticeWithTheDroppedCount() {
    db.close();
    db = HeliosDB.open(HeliosConfig.builder().inMemory().notificationQueueSize(4).build());
    EmbeddedChannel ch = session();
    send(ch, Frames.query("LISTEN jobs"));
    send(ch, Frames.query("BEGIN"));
    for (int i = 0; i < 10; i++) {
      db.pubsub().notify("jobs", "n" + i);
    }
    List<Backend> got = send(ch, Frames.query("COMMIT"));
    List<Backend> notices = got.stream().filter(m -> m.type() == 'N').toList();
    assertThat(notices).hasSize(1);
    assertThat(notices.get(0).severity()).isEqualTo("WARNING");
    assertThat(notices.get(0).sqlState()).isEqualTo("01000");
    long delivered = got.stream().filter(m -> m.type() == 'A').count();
    assertThat(notices.get(0).message())
        .startsWith((10 - delivered) + " notifications were dropped");
    assertThat(got).last().hasToString("Z I");
  }

  @Test
  void sessionsBeyondMaxConnectionsAreRefusedWith53300() {
    registry = new SessionRegistry(1);
    session();
    EmbeddedChannel second = connect();
    fatalAndClosed(second, send(second, Frames.startup("user", "u")), "53300");
  }

  @Test
  void startupWithoutUserIsRefusedWith28000() {
    EmbeddedChannel ch = connect();
    fatalAndClosed(ch, send(ch, Frames.startup("database", "x")), "28000");
  }

  @Test
  void terminateClosesTheConnectionAndFreesTheSlot() {
    EmbeddedChannel ch = session();
    send(ch, Frames.typed('X', new byte[0]));
    assertThat(ch.isOpen()).isFalse();
    assertThat(registry.admitted()).isZero();
  }

  @Test
  void setResetAndShowWorkOnSessionSettingsAndReportChangedParameters() {
    EmbeddedChannel ch = session();
    assertThat(types(send(ch, Frames.query("SET extra_float_digits = 3")))).isEqualTo("CZ");
    List<Backend> set = send(ch, Frames.query("SET application_name TO 'it''s me'"));
    assertThat(types(set)).isEqualTo("CSZ"); // PostgreSQL's order: ParameterStatus after the tag
    assertThat(paramValue(set.get(1))).isEqualTo("it's me");
    List<Backend> show = send(ch, Frames.query("SHOW application_name"));
    assertThat(show.get(0).columns()).containsExactly("application_name:25");
    assertThat(show.get(1).values()).containsExactly("it's me");
    assertThat(show.get(2).tag()).isEqualTo("SHOW");
    assertThat(send(ch, Frames.query("SHOW TRANSACTION ISOLATION LEVEL")).get(1).values())
        .containsExactly("serializable");
    assertThat(types(send(ch, Frames.query("RESET application_name")))).isEqualTo("CSZ");
    assertThat(send(ch, Frames.query("SHOW no_such_thing")).get(0).sqlState()).isEqualTo("42704");
    assertThat(send(ch, Frames.query("SET client_encoding = 'LATIN1'")).get(0).sqlState())
        .isEqualTo("0A000");
  }
}
