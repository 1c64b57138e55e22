package io.heliosdb.nano.wire.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.wire.WireServer;
import io.heliosdb.nano.wire.messages.Frames;
import io.heliosdb.nano.wire.messages.FrontendMessage;
import io.heliosdb.nano.wire.messages.PgFrameDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** The memory budget's split, the JVM options it gives and what it bounds in the server. */
class MemoryBudgetTest {

  @Test
  void theEdgeDevicesSixtyFourMegabytesGiveABudgetOf192Mib() {
    MemoryBudget b = MemoryBudget.of(null, 64);
    assertThat(b.totalMb()).isEqualTo(192);
    assertThat(b.heapMb()).isEqualTo(42);
    assertThat(b.directMb()).isEqualTo(28);
    assertThat(b.sessionsMb()).isEqualTo(42);
    assertThat(b.heapMb() + b.directMb() + b.sessionsMb() + MemoryBudget.JVM_FIXED_MB)
        .isEqualTo(b.totalMb());
    assertThat(b.sessionsThatFit()).isEqualTo(1075); // 42 MiB / 40 KiB: listeners
    // with SQLite connections: 112 at most, fewer beside many listeners
    assertThat(b.connectionFits(112, 112)).isTrue();
    assertThat(b.connectionFits(113, 113)).isFalse();
    assertThat(b.connectionFits(1000, 8)).isTrue();
    assertThat(b.connectionFits(1000, 9)).isFalse();
    assertThat(b.jvmOptions())
        .containsExactly(
            "-Xmx42m", "-XX:MaxDirectMemorySize=28m", "-Dio.netty.maxDirectMemory=29360128");
    assertThat(b.source()).isEqualTo("[database] memory_limit_mb + 128 = 192");
  }

  @Test
  void withNothingConfiguredTheServerGets384MibNotAQuarterOfTheMachine() {
    MemoryBudget b = MemoryBudget.of(null, 256); // [database] memory_limit_mb's default
    assertThat(b.totalMb()).isEqualTo(384);
    assertThat(b.heapMb()).isEqualTo(114);
    assertThat(b.directMb()).isEqualTo(76);
    assertThat(b.sessionsThatFit())
        .isGreaterThanOrEqualTo(WireServer.Options.DEFAULT_MAX_CONNECTIONS);
  }

  @Test
  void anExplicitServerLimitIsTheWholeBudgetWhateverTheDatabaseSays() {
    MemoryBudget b = MemoryBudget.of(4096, 64);
    assertThat(b.totalMb()).isEqualTo(4096);
    assertThat(b.heapMb()).isEqualTo((4096 - 80) * 3 / 8);
    assertThat(b.source()).isEqualTo("[server] memory_limit_mb = 4096");
    assertThatThrownBy(() -> MemoryBudget.of(100, 64))
        .hasMessageContaining("100 is out of range: must be from 160");
  }

  @Test
  void notificationQueuesTakeHalfTheHeapTogetherEachSessionAnEqualShareOfAtLeastOneMib() {
    HeliosConfig defaults = HeliosConfig.builder().inMemory().build();
    MemoryBudget edge = MemoryBudget.of(null, 64);
    assertThat(edge.notificationBytes()).isEqualTo(21L << 20);
    HeliosConfig c = edge.limitNotificationQueues(defaults, 100);
    assertThat(c.notificationQueueTotalBytes()).isEqualTo(21L << 20);
    assertThat(c.notificationQueueBytes()).isEqualTo(1 << 20); // 215 KiB each would be too few

    MemoryBudget standard = MemoryBudget.of(null, 256);
    HeliosConfig s = standard.limitNotificationQueues(defaults, 100);
    assertThat(s.notificationQueueTotalBytes()).isEqualTo(57L << 20);
    assertThat(s.notificationQueueBytes()).isEqualTo(1 << 20);

    // 8 GiB: 1.5 GiB for the queues, 15 MiB a session; the configured 4 MiB stays
    MemoryBudget big = MemoryBudget.of(8192, 64);
    assertThat(big.limitNotificationQueues(defaults, 100).notificationQueueBytes())
        .isEqualTo(HeliosConfig.DEFAULT_NOTIFICATION_QUEUE_BYTES);
    // 1000 sessions admitted: 1.5 MiB each
    assertThat(big.limitNotificationQueues(defaults, 1000).notificationQueueBytes())
        .isEqualTo(big.notificationBytes() / 1000);
    HeliosConfig small =
        HeliosConfig.builder()
            .inMemory()
            .notificationQueueBytes(100_000)
            .notificationQueueTotalBytes(1_000_000)
            .build();
    HeliosConfig kept = standard.limitNotificationQueues(small, 100);
    assertThat(kept.notificationQueueBytes()).isEqualTo(100_000);
    assertThat(kept.notificationQueueTotalBytes()).isEqualTo(1_000_000);

    // Never below two of the largest notifications.
    HeliosConfig large = HeliosConfig.builder().inMemory().maxPayloadBytes(1 << 20).build();
    assertThat(edge.limitNotificationQueues(large, 100).notificationQueueBytes())
        .isEqualTo(4L << 20);
  }

  @Test
  void maxConnectionsBeyondWhatTheBudgetHoldsAdmitsOnlyWhatFitsWithAWarning() {
    MemoryBudget b = MemoryBudget.of(null, 64);
    WireServer.Options o =
        new WireServer.Options("127.0.0.1", 0, 2000, PgFrameDecoder.DEFAULT_MAX_MESSAGE_BYTES)
            .with(b);
    SessionCeiling c = SessionCeiling.of(o.maxConnections(), o.memory(), false);
    assertThat(c.sessions()).isEqualTo(1075);
    assertThat(c.reason()).isEqualTo("the memory budget leaves room for 1075");
    assertThat(c.warning())
        .startsWith(
            "max_connections = 2000 needs about 78 MiB for its sessions (40 KiB each, 344 KiB"
                + " more while one holds a SQLite connection)")
        .contains("at most 1075 sessions will be admitted, the next refused with 53300");
    WireServer.Options fits =
        new WireServer.Options("127.0.0.1", 0, 100, PgFrameDecoder.DEFAULT_MAX_MESSAGE_BYTES)
            .with(b);
    assertThat(SessionCeiling.of(fits.maxConnections(), fits.memory(), false).sessions())
        .isEqualTo(100);
    assertThat(SessionCeiling.of(fits.maxConnections(), fits.memory(), false).warning()).isNull();
  }

  /** Two sessions each receiving a 100 KiB message, with room for one: the second gets 53200. */
  @Test
  void aLargeMessageThatDoesNotFitInTheBudgetIsRefusedWith53200AndItsRoomComesBack() {
    MessageMemory memory = new MessageMemory(150 * 1024);
    EmbeddedChannel first = authenticated(memory);
    EmbeddedChannel second = authenticated(memory);
    String sql = "SELECT '" + "x".repeat(100 * 1024) + "'";
    ByteBuf one = Frames.query(sql);
    ByteBuf head = one.readRetainedSlice(1000); // declares 100 KiB, holds 1000 bytes so far
    first.writeInbound(head);
    assertThat((Object) first.readInbound()).isNull();
    assertThat(memory.reserved()).isEqualTo(sql.length() + 1);

    second.writeInbound(Frames.query(sql));
    FrontendMessage.ProtocolViolation refused = second.readInbound();
    assertThat(refused.sqlState()).isEqualTo("53200");
    assertThat(refused.message())
        .startsWith("out of memory: a message of " + (sql.length() + 1) + " bytes does not fit");

    first.writeInbound(one); // the rest: the message is decoded, its room given back
    assertThat(((FrontendMessage.Query) first.readInbound()).sql()).isEqualTo(sql);
    assertThat(memory.reserved()).isZero();

    EmbeddedChannel third = authenticated(memory);
    third.writeInbound(Frames.query(sql).readRetainedSlice(1000));
    assertThat(memory.reserved()).isEqualTo(sql.length() + 1);
    third.close(); // a connection closed halfway gives its room back too
    assertThat(memory.reserved()).isZero();
  }

  @Test
  void smallMessagesTakeNothingFromTheBudget() {
    MessageMemory memory = new MessageMemory(1);
    EmbeddedChannel c = authenticated(memory);
    c.writeInbound(Frames.query("SELECT 1"));
    assertThat(((FrontendMessage.Query) c.readInbound()).sql()).isEqualTo("SELECT 1");
    assertThat(memory.reserved()).isZero();
  }

  @Test
  void theDecoderReportsWhatItHoldsOfAMessageNotYetComplete() {
    PgFrameDecoder decoder = new PgFrameDecoder(1 << 20);
    EmbeddedChannel c = new EmbeddedChannel(decoder);
    c.writeInbound(Frames.startup("user", "u"));
    c.readInbound();
    ByteBuf q = Frames.query("SELECT 42");
    c.writeInbound(q.readRetainedSlice(7));
    assertThat(decoder.bufferedBytes()).isEqualTo(7);
    c.writeInbound(q);
    assertThat((Object) c.readInbound()).isInstanceOf(FrontendMessage.Query.class);
    assertThat(decoder.bufferedBytes()).isZero();
  }

  private static EmbeddedChannel authenticated(MessageMemory memory) {
    PgFrameDecoder decoder = new PgFrameDecoder(1 << 20, memory);
    EmbeddedChannel c = new EmbeddedChannel(decoder);
    c.writeInbound(Frames.startup("user", "u"));
    c.readInbound();
    decoder.authenticated();
    return c;
  }
}
