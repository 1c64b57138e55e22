package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.net.AllocationMeter;
import io.heliosdb.nano.wire.auth.Authentication;
import io.heliosdb.nano.wire.auth.Scram;
import io.heliosdb.nano.wire.messages.Frames;
import io.heliosdb.nano.wire.messages.Frames.Backend;
import io.heliosdb.nano.wire.messages.FrontendMessage;
import io.heliosdb.nano.wire.messages.PgFrameDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzzing (Jazzer) of everything that reads a client's bytes before a session
 * exists: the frame decoder with its message bodies, the startup packet, and the SCRAM exchange
 * (whose own messages {@code wire.auth.ScramExchangeFuzzTest} fuzzes alone).
 *
 * <ul>
 *   <li>Whatever the bytes, the decoder hands on messages or one protocol violation (and nothing
 *       after it), never an exception, and it allocates in proportion to the bytes it was given: no
 *       declared count or length sizes an allocation (the defect of a 27-byte Bind that asked for a
 *       gigabyte).
 *   <li>Random bytes after a StartupMessage on a server that requires SCRAM never open a session:
 *       every answer is a well-formed backend message, none is ReadyForQuery, and the connection
 *       slot is given back when the connection closes.
 * </ul>
 *
 * <p>{@code ./mvnw verify} replays the committed corpus ({@code WireDecodersFuzzTestInputs} in the
 * test resources); {@code bench/fuzz.sh} fuzzes each for as long as it is given.
 */
class WireDecodersFuzzTest {
  private static final Scram.Verifier ANN = Scram.verifier("s3cret");
  private static final HeliosDB DB = HeliosDB.inMemory();

  @AfterAll
  static void closeDatabase() {
    DB.close();
  }

  /**
   * What decoding may allocate: Netty's buffers and the messages' own copies of the bytes, a few
   * times over (strings are UTF-16), plus the channel. A size taken from the bytes would be
   * megabytes to gigabytes.
   */
  private static long allowance(int bytes) {
    return 256 * 1024 + 32L * bytes;
  }

  @FuzzTest(maxDuration = "2m")
  void frames(FuzzedDataProvider data) throws Exception {
    boolean afterStartup = data.consumeBoolean();
    boolean authenticated = data.consumeBoolean();
    int split = data.consumeInt(0, 64);
    byte[] bytes = data.consumeRemainingAsBytes();
    long allocated =
        AllocationMeter.bytesAllocatedBy(
            () -> decode(afterStartup, authenticated, Math.min(split, bytes.length), bytes));
    assertThat(allocated)
        .as("bytes allocated to decode %d bytes", bytes.length)
        .isLessThan(allowance(bytes.length));
  }

  private static void decode(boolean afterStartup, boolean authenticated, int split, byte[] bytes) {
    PgFrameDecoder decoder = new PgFrameDecoder(PgFrameDecoder.DEFAULT_MAX_MESSAGE_BYTES);
    EmbeddedChannel ch = new EmbeddedChannel(decoder);
    try {
      if (afterStartup) {
        ch.writeInbound(Frames.startup("user", "u"));
        ch.readInbound();
        if (authenticated) {
          decoder.authenticated();
        }
      }
      // In two reads, so a message split across them is decoded as well.
      ch.writeInbound(Unpooled.wrappedBuffer(bytes, 0, split));
      ch.writeInbound(Unpooled.wrappedBuffer(bytes, split, bytes.length - split));
      ch.checkException();
      long valueBytes = 0;
      boolean violated = false;
      for (Object m = ch.readInbound(); m != null; m = ch.readInbound()) {
        assertThat(violated).as("nothing is decoded after a protocol violation").isFalse();
        assertThat(m).isInstanceOf(FrontendMessage.class);
        if (m instanceof FrontendMessage.ProtocolViolation v) {
          violated = true;
          assertThat(v.sqlState()).isIn("08P01", "0A000");
        } else if (m instanceof FrontendMessage.Bind b) {
          for (byte[] v : b.values()) {
            valueBytes += v == null ? 0 : v.length;
          }
        }
      }
      assertThat(valueBytes).isLessThanOrEqualTo(bytes.length);
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @FuzzTest(maxDuration = "2m")
  void authentication(byte[] bytes) {
    SessionRegistry registry = new SessionRegistry(1);
    PgFrameDecoder decoder = new PgFrameDecoder(PgFrameDecoder.DEFAULT_MAX_MESSAGE_BYTES);
    EmbeddedChannel ch =
        new EmbeddedChannel(
            decoder,
            new PgWireHandler(
                DB, registry, Runnable::run, decoder, Authentication.scram(Map.of("ann", ANN))));
    try {
      ch.writeInbound(Frames.startup("user", "ann"), Unpooled.wrappedBuffer(bytes));
      ch.runPendingTasks();
      ch.checkException();
      for (Backend b : answers(ch)) {
        assertThat(b.type()).as("random bytes never open a session").isIn('R', 'E');
        if (b.type() == 'E') {
          assertThat(b.severity()).isEqualTo("FATAL");
        }
      }
    } finally {
      ch.close();
      ch.finishAndReleaseAll();
    }
    assertThat(registry.admitted()).as("the slot is given back").isZero();
  }

  private static List<Backend> answers(EmbeddedChannel ch) {
    List<Backend> out = new ArrayList<>();
    for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
      out.addAll(Frames.parse(b));
      b.release();
    }
    return out;
  }
}
