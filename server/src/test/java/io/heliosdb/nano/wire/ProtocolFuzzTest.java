package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.wire.auth.Authentication;
import io.heliosdb.nano.wire.messages.Frames;
import io.heliosdb.nano.wire.messages.Frames.Backend;
import io.heliosdb.nano.wire.messages.PgFrameDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random sequences of frontend messages after a valid startup: well-formed ones in any order (Bind
 * before Parse, Execute of unknown portals, Sync anywhere), messages of unknown types, random
 * bodies and raw garbage. Whatever a client sends, no exception escapes the pipeline, every answer
 * is a well-formed backend message, and the database keeps serving other sessions with nothing
 * committed lost.
 *
 * <p>A seeded generator replaced jqwik (issue 17): each case draws its frames from {@code new
 * SplittableRandom(seed)}, with jqwik's sizes and choices. CI runs seeds 1 to 200; a failure names
 * its seed and prints the frames. Replay one seed with {@code -Dheliosdb.properties.seed=17}; run
 * longer with {@code -Dheliosdb.properties.cases=10000} (seeds 1 to 10000).
 */
class ProtocolFuzzTest {
  private static final int CASES = 200;

  private static final List<String> SQL =
      List.of(
          "SELECT 1",
          "SELECT * FROM keep",
          "SELEC 1",
          "INSERT INTO scratch VALUES ($1)",
          "BEGIN",
          "COMMIT",
          "ROLLBACK",
          "LISTEN fuzz",
          "NOTIFY fuzz, 'x'",
          "SELECT pg_notify('fuzz', $1)",
          "SELECT 1; SELECT 2",
          "",
          "DELETE FROM scratch");

  private static final List<String> NAMES = List.of("", "s1", "p1");

  /** jqwik's bytes: one of six bands around 0, then uniform in it; small values come often. */
  private static final int[][] BYTE_BANDS = {
    {-128, -43}, {-42, -15}, {-14, -1}, {0, 13}, {14, 41}, {42, 127}
  };

  /** A frame as sent and as shown in a failure message. */
  record Frame(String shown, byte[] bytes) {
    static Frame of(String shown, ByteBuf b) {
      try {
        return new Frame(shown, ByteBufUtil.getBytes(b));
      } finally {
        b.release();
      }
    }

    @Override
    public String toString() {
      return shown;
    }
  }

  /** Seeds 1 to {@code heliosdb.properties.cases}, or only {@code heliosdb.properties.seed}. */
  static LongStream seeds() {
    String replay = System.getProperty("heliosdb.properties.seed");
    if (replay != null) {
      return LongStream.of(Long.parseLong(replay.trim()));
    }
    return LongStream.rangeClosed(1, Integer.getInteger("heliosdb.properties.cases", CASES));
  }

  /** The frames jqwik drew for {@code @Size(max = 20) List<byte[]>} at 200 tries. */
  static List<Frame> script(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int size = jqwikSize(random, 20);
    List<Frame> script = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      script.add(frame(random));
    }
    return script;
  }

  /** One of eleven kinds, uniformly, as jqwik's {@code oneOf} chose. */
  private static Frame frame(SplittableRandom r) {
    switch (r.nextInt(11)) {
      case 0 -> {
        String sql = pick(r, SQL);
        return Frame.of("Query " + quote(sql), Frames.query(sql));
      }
      case 1 -> {
        String name = pick(r, NAMES);
        String sql = pick(r, SQL);
        return Frame.of("Parse " + quote(name) + " " + quote(sql), Frames.parse(name, sql));
      }
      case 2 -> {
        String portal = pick(r, NAMES);
        String statement = pick(r, NAMES);
        String value = string(r);
        return Frame.of(
            "Bind " + quote(portal) + " " + quote(statement) + " " + quote(value),
            Frames.bind(portal, statement, new short[0], value));
      }
      case 3 -> {
        String name = pick(r, NAMES);
        return Frame.of("Describe S " + quote(name), Frames.describe('S', name));
      }
      case 4 -> {
        String name = pick(r, NAMES);
        return Frame.of("Describe P " + quote(name), Frames.describe('P', name));
      }
      case 5 -> {
        String name = pick(r, NAMES);
        int rows = r.nextInt(-1, 4);
        return Frame.of("Execute " + quote(name) + " " + rows, Frames.execute(name, rows));
      }
      case 6 -> {
        String name = pick(r, NAMES);
        return Frame.of("Close S " + quote(name), Frames.close('S', name));
      }
      case 7 -> {
        return Frame.of("Sync", Frames.sync());
      }
      case 8 -> {
        return Frame.of("Flush", Frames.flush());
      }
      case 9 -> {
        char type = (char) r.nextInt('A', 'z' + 1);
        byte[] body = bytes(r);
        return Frame.of(
            "Typed '" + type + "' " + HexFormat.of().formatHex(body), Frames.typed(type, body));
      }
      default -> {
        byte[] garbage = bytes(r);
        return Frame.of(
            "Garbage " + HexFormat.of().formatHex(garbage), Unpooled.wrappedBuffer(garbage));
      }
    }
  }

  /**
   * A length as jqwik drew it at 200 tries: up to 14 (the square root of the tries) mostly, above
   * it 12% of the time, the maximum 2% of the time; uniform when the maximum is at most 14.
   */
  private static int jqwikSize(SplittableRandom r, int max) {
    int usual = 14;
    if (max <= usual) {
      return r.nextInt(max + 1);
    }
    if (r.nextDouble() <= 0.02) {
      return max;
    }
    if (r.nextDouble() <= 0.12) {
      return r.nextInt(usual + 1, max + 1);
    }
    return r.nextInt(usual + 1);
  }

  private static <T> T pick(SplittableRandom r, List<T> values) {
    return values.get(r.nextInt(values.size()));
  }

  /** Up to 40 bytes, as {@code Arbitraries.bytes().array(byte[].class).ofMaxSize(40)}. */
  private static byte[] bytes(SplittableRandom r) {
    byte[] bytes = new byte[jqwikSize(r, 40)];
    for (int i = 0; i < bytes.length; i++) {
      int[] band = BYTE_BANDS[r.nextInt(BYTE_BANDS.length)];
      bytes[i] = (byte) r.nextInt(band[0], band[1] + 1);
    }
    return bytes;
  }

  /**
   * Up to 5 characters of the basic plane, as {@code Arbitraries.strings().ofMaxLength(5)}: jqwik
   * left out surrogates, other noncharacters and the private use area.
   */
  private static String string(SplittableRandom r) {
    StringBuilder s = new StringBuilder();
    for (int length = r.nextInt(6); s.length() < length; ) {
      char c = (char) r.nextInt(Character.MAX_VALUE + 1);
      boolean left =
          Character.isSurrogate(c)
              || (c >= 0xfdd0 && c <= 0xfdef)
              || c >= 0xfffe
              || (c >= 0xe000 && c <= 0xf8ff);
      if (!left) {
        s.append(c);
      }
    }
    return s.toString();
  }

  /** Quoted, non-ASCII and control characters as escapes, so a failure message reads plainly. */
  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out.append('"').toString();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void noInputBreaksTheServerOrLosesCommittedData(long seed) {
    List<Frame> script = script(seed);
    try {
      run(script);
    } catch (RuntimeException | AssertionError e) {
      throw new AssertionError(
          "seed "
              + seed
              + " failed (replay with -Dheliosdb.properties.seed="
              + seed
              + "): "
              + e.getMessage()
              + "\nframes after startup ("
              + script.size()
              + "):\n"
              + script.stream().map(f -> "  " + f).collect(Collectors.joining("\n")),
          e);
    }
  }

  private static void run(List<Frame> script) {
    try (HeliosDB db = HeliosDB.inMemory()) {
      db.execute("CREATE TABLE keep(x); INSERT INTO keep VALUES (42); CREATE TABLE scratch(v)");
      SessionRegistry registry = new SessionRegistry(10);

      EmbeddedChannel fuzzed = connect(db, registry);
      List<Backend> answers = new ArrayList<>(send(fuzzed, Frames.startup("user", "fuzz")));
      for (Frame frame : script) {
        if (!fuzzed.isActive()) {
          break;
        }
        answers.addAll(send(fuzzed, Unpooled.wrappedBuffer(frame.bytes())));
      }
      fuzzed.checkException(); // nothing escaped the handlers
      assertThat(answers).allSatisfy(m -> assertThat("RSKZTDCIEN12tn3sAv").contains("" + m.type()));
      fuzzed.finishAndReleaseAll();

      // Another session still works, and the row committed before the script is still there.
      EmbeddedChannel other = connect(db, registry);
      send(other, Frames.startup("user", "other"));
      List<Backend> reply = send(other, Frames.query("SELECT x FROM keep"));
      assertThat(reply.stream().map(m -> "" + m.type()).collect(Collectors.joining()))
          .isEqualTo("TDCZ");
      assertThat(new String(reply.get(1).body(), StandardCharsets.UTF_8)).endsWith("42");
      other.finishAndReleaseAll();
    }
  }

  private static EmbeddedChannel connect(HeliosDB db, SessionRegistry registry) {
    PgFrameDecoder decoder = new PgFrameDecoder(1 << 20);
    return new EmbeddedChannel(
        decoder, new PgWireHandler(db, registry, Runnable::run, decoder, Authentication.trust()));
  }

  private static List<Backend> send(EmbeddedChannel ch, ByteBuf frame) {
    return EmbeddedWire.send(ch, frame);
  }
}
