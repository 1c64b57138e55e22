package io.heliosdb.nano.wire.messages;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link PgFrameDecoder} alone: framing, states and size caps. */
class PgFrameDecoderTest {
  private final PgFrameDecoder decoder = new PgFrameDecoder(1 << 20);
  private final EmbeddedChannel channel = new EmbeddedChannel(decoder);

  private FrontendMessage feed(ByteBuf bytes) {
    channel.writeInbound(bytes);
    return channel.readInbound();
  }

  @Test
  void startupMessageCarriesItsParametersInOrderAndAStartupSplitAcrossReadsWaits() {
    ByteBuf all = Frames.startup("user", "ann", "database", "shop", "application_name", "psql");
    ByteBuf first = all.readRetainedSlice(7);
    assertThat(feed(first)).isNull();
    FrontendMessage m = feed(all);
    assertThat(m)
        .isEqualTo(
            new FrontendMessage.Startup(
                0,
                new java.util.LinkedHashMap<>(
                    Map.of("user", "ann", "database", "shop", "application_name", "psql"))));
    assertThat(((FrontendMessage.Startup) m).parameters().keySet())
        .containsExactly("user", "database", "application_name");
    assertThat(decoder.state()).isEqualTo(PgFrameDecoder.State.MESSAGES);
  }

  @Test
  void sslAndGssRequestsKeepTheDecoderInStartup() {
    assertThat(feed(Frames.untyped(MessageTypes.SSL_REQUEST)))
        .isInstanceOf(FrontendMessage.SslRequest.class);
    assertThat(feed(Frames.untyped(MessageTypes.GSSENC_REQUEST)))
        .isInstanceOf(FrontendMessage.GssEncRequest.class);
    assertThat(decoder.state()).isEqualTo(PgFrameDecoder.State.STARTUP);
    assertThat(feed(Frames.startup("user", "u"))).isInstanceOf(FrontendMessage.Startup.class);
  }

  @Test
  void cancelRequestCarriesPidAndSecretAndEverythingAfterIsDiscarded() {
    assertThat(feed(Frames.untyped(MessageTypes.CANCEL_REQUEST, 1234, -99)))
        .isEqualTo(new FrontendMessage.CancelRequest(1234, -99));
    assertThat(feed(Frames.query("SELECT 1"))).isNull();
    assertThat(decoder.state()).isEqualTo(PgFrameDecoder.State.DISCARD);
  }

  @Test
  void startupPacketOverTenThousandBytesIsAViolationBeforeItsBodyArrives() {
    ByteBuf header = Unpooled.buffer().writeInt(10_001).writeInt(MessageTypes.PROTOCOL_3_0);
    assertThat(feed(header))
        .isEqualTo(
            new FrontendMessage.ProtocolViolation("08P01", "invalid length of startup packet"));
    assertThat(feed(Frames.startup("user", "u"))).isNull();
  }

  @Test
  void protocolVersionTwoIsRefusedWith0A000() {
    ByteBuf v2 = Unpooled.buffer().writeInt(9).writeInt(2 << 16).writeByte(0);
    FrontendMessage m = feed(v2);
    assertThat(m).isInstanceOf(FrontendMessage.ProtocolViolation.class);
    assertThat(((FrontendMessage.ProtocolViolation) m).sqlState()).isEqualTo("0A000");
    assertThat(((FrontendMessage.ProtocolViolation) m).message())
        .isEqualTo("unsupported frontend protocol 2.0: server supports 3.0 to 3.0");
  }

  @Test
  void startupWithoutTerminatorIsAViolation() {
    ByteBuf bad =
        Unpooled.buffer()
            .writeInt(12)
            .writeInt(MessageTypes.PROTOCOL_3_0)
            .writeBytes("user".getBytes());
    assertThat(feed(bad)).isInstanceOf(FrontendMessage.ProtocolViolation.class);
  }

  @Test
  void messageBodyIsCappedAtTenThousandBytesUntilAuthenticatedThenAtTheMaximum() {
    feed(Frames.startup("user", "u"));
    String big = "SELECT '" + "x".repeat(20_000) + "'";
    assertThat(feed(Frames.query(big)))
        .isEqualTo(
            new FrontendMessage.ProtocolViolation(
                "08P01", "message too long: 20010 bytes, the limit is 10000"));

    PgFrameDecoder authenticated = new PgFrameDecoder(1 << 20);
    EmbeddedChannel ch = new EmbeddedChannel(authenticated);
    ch.writeInbound(Frames.startup("user", "u"));
    ch.readInbound();
    authenticated.authenticated();
    ch.writeInbound(Frames.query(big));
    assertThat((Object) ch.readInbound()).isEqualTo(new FrontendMessage.Query(big));
    ByteBuf header = Unpooled.buffer().writeByte('Q').writeInt((1 << 20) + 5);
    ch.writeInbound(header);
    assertThat((Object) ch.readInbound()).isInstanceOf(FrontendMessage.ProtocolViolation.class);
  }

  @Test
  void messagesAreTypedAndCopyMessagesOutsideCopyAreDropped() {
    feed(Frames.startup("user", "u"));
    channel.writeInbound(
        Unpooled.wrappedBuffer(
            Frames.typed('P', new byte[] {0, 'x', 0, 0, 0}),
            Frames.typed('d', new byte[] {1, 2, 3}),
            Frames.typed('S', new byte[0]),
            Frames.typed('y', new byte[] {1}),
            Frames.typed('X', new byte[0])));
    FrontendMessage.Parse parse = channel.readInbound();
    assertThat(parse.name()).isEmpty();
    assertThat(parse.sql()).isEqualTo("x");
    assertThat(parse.parameterTypes()).isEmpty();
    assertThat((Object) channel.readInbound()).isEqualTo(new FrontendMessage.Sync());
    assertThat((Object) channel.readInbound()).isEqualTo(new FrontendMessage.Unknown((byte) 'y'));
    assertThat((Object) channel.readInbound()).isEqualTo(new FrontendMessage.Terminate());
  }

  @Test
  void lengthBelowFourAndAQueryWithoutTerminatorAreViolations() {
    feed(Frames.startup("user", "u"));
    assertThat(feed(Unpooled.buffer().writeByte('Q').writeInt(3)))
        .isEqualTo(new FrontendMessage.ProtocolViolation("08P01", "invalid message length"));

    EmbeddedChannel ch = new EmbeddedChannel(new PgFrameDecoder(1 << 20));
    ch.writeInbound(Frames.startup("user", "u"));
    ch.readInbound();
    ch.writeInbound(Frames.typed('Q', "SELECT 1".getBytes()));
    assertThat((Object) ch.readInbound())
        .isEqualTo(new FrontendMessage.ProtocolViolation("08P01", "invalid string in message"));
  }

  /** The defect of issue 11: a 27-byte Bind declaring a parameter of 1,000,000,000 bytes. */
  @Test
  void bindDeclaringMoreBytesThanItHoldsIsAViolationWithoutAllocatingThem() {
    for (int declared : new int[] {1_000_000_000, Integer.MAX_VALUE, 9, -2}) {
      ByteBuf body =
          Unpooled.buffer()
              .writeByte(0) // portal ""
              .writeByte(0) // statement ""
              .writeShort(0) // no parameter formats
              .writeShort(1) // one value
              .writeInt(declared)
              .writeBytes("12345678".getBytes()); // 8 bytes present
      ByteBuf frame = Frames.typed('B', io.netty.buffer.ByteBufUtil.getBytes(body));
      assertThat(frame.readableBytes()).isEqualTo(23);
      PgFrameDecoder decoder = new PgFrameDecoder(PgFrameDecoder.DEFAULT_MAX_MESSAGE_BYTES);
      EmbeddedChannel c = new EmbeddedChannel(decoder);
      c.writeInbound(Frames.startup("user", "u"));
      c.readInbound();
      decoder.authenticated();
      c.writeInbound(frame);
      assertThat((Object) c.readInbound())
          .as("declared %d", declared)
          .isEqualTo(
              new FrontendMessage.ProtocolViolation("08P01", "insufficient data left in message"));
    }
  }

  @Test
  void countsOfParametersTypesAndFormatsAreCheckedAgainstTheBytesPresent() {
    // Bind: 65,535 values declared, none present (an array of 65,535 would be sized by a lie).
    assertViolation(
        'B',
        new byte[] {0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF},
        "insufficient data left in message");
    // Bind: 65,535 parameter format codes declared, one present.
    assertViolation(
        'B',
        new byte[] {0, 0, (byte) 0xFF, (byte) 0xFF, 0, 0},
        "insufficient data left in message");
    // Parse: 65,535 parameter types declared, none present.
    assertViolation(
        'P', new byte[] {0, 'x', 0, (byte) 0xFF, (byte) 0xFF}, "insufficient data left in message");
    // Execute without its row count; Describe of an unknown kind; a Sync with a body.
    assertViolation('E', new byte[] {0, 0, 0}, "insufficient data left in message");
    assertViolation('D', new byte[] {'X', 0}, "invalid DESCRIBE message subtype 88");
    assertViolation('S', new byte[] {1}, "invalid message format");
    assertViolation('B', new byte[] {0, 'x'}, "invalid string in message");
  }

  @Test
  void aBindThatHoldsWhatItDeclaresIsReadWithNullsAndFormats() {
    ByteBuf body =
        Unpooled.buffer()
            .writeBytes(new byte[] {'p', 0, 's', 0})
            .writeShort(1)
            .writeShort(1)
            .writeShort(2)
            .writeInt(-1)
            .writeInt(2)
            .writeBytes("ab".getBytes())
            .writeShort(1)
            .writeShort(0);
    EmbeddedChannel c = new EmbeddedChannel(new PgFrameDecoder(1 << 20));
    c.writeInbound(Frames.startup("user", "u"));
    c.readInbound();
    c.writeInbound(Frames.typed('B', io.netty.buffer.ByteBufUtil.getBytes(body)));
    FrontendMessage.Bind bind = c.readInbound();
    assertThat(bind.portal()).isEqualTo("p");
    assertThat(bind.statement()).isEqualTo("s");
    assertThat(bind.parameterFormats()).containsExactly((short) 1);
    assertThat(bind.values()[0]).isNull();
    assertThat(bind.values()[1]).containsExactly('a', 'b');
    assertThat(bind.resultFormats()).containsExactly((short) 0);
  }

  private static void assertViolation(char type, byte[] body, String message) {
    EmbeddedChannel c = new EmbeddedChannel(new PgFrameDecoder(1 << 20));
    c.writeInbound(Frames.startup("user", "u"));
    c.readInbound();
    c.writeInbound(Frames.typed(type, body));
    assertThat((Object) c.readInbound())
        .as("%s message", type)
        .isEqualTo(new FrontendMessage.ProtocolViolation("08P01", message));
  }
}
