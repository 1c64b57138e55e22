package io.heliosdb.nano.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.wire.Frames.Backend;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Random sequences of frontend messages after a valid startup: well-formed ones in any order (Bind
 * before Parse, Execute of unknown portals, Sync anywhere), messages of unknown types, random
 * bodies and raw garbage. Whatever a client sends, no exception escapes the pipeline, every answer
 * is a well-formed backend message, and the database keeps serving other sessions with nothing
 * committed lost.
 */
class ProtocolFuzzTest {
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

  /** A frame as bytes: jqwik keeps, shrinks and prints samples, which a released ByteBuf breaks. */
  private static byte[] bytesOf(ByteBuf b) {
    try {
      return ByteBufUtil.getBytes(b);
    } finally {
      b.release();
    }
  }

  @Provide
  Arbitrary<byte[]> frames() {
    Arbitrary<String> sql = Arbitraries.of(SQL);
    Arbitrary<String> name = Arbitraries.of("", "s1", "p1");
    Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
    Arbitrary<ByteBuf> frame =
        Arbitraries.oneOf(
            sql.map(Frames::query),
            Combinators.combine(name, sql).as((n, q) -> Frames.parse(n, q)),
            Combinators.combine(name, name, Arbitraries.strings().ofMaxLength(5))
                .as((p, st, v) -> Frames.bind(p, st, new short[0], v)),
            name.map(n -> Frames.describe('S', n)),
            name.map(n -> Frames.describe('P', n)),
            Combinators.combine(name, Arbitraries.integers().between(-1, 3))
                .as((n, rows) -> Frames.execute(n, rows)),
            name.map(n -> Frames.close('S', n)),
            Arbitraries.create(Frames::sync),
            Arbitraries.create(Frames::flush),
            Combinators.combine(Arbitraries.chars().range('A', 'z'), bytes)
                .as((t, body) -> Frames.typed(t, body)),
            bytes.map(Unpooled::wrappedBuffer));
    return frame.map(ProtocolFuzzTest::bytesOf);
  }

  @Property(tries = 200)
  void noInputBreaksTheServerOrLosesCommittedData(
      @ForAll @Size(max = 20) List<@net.jqwik.api.From("frames") byte[]> script) {
    try (HeliosDB db = HeliosDB.inMemory()) {
      db.execute("CREATE TABLE keep(x); INSERT INTO keep VALUES (42); CREATE TABLE scratch(v)");
      SessionRegistry registry = new SessionRegistry(10);

      EmbeddedChannel fuzzed = connect(db, registry);
      List<Backend> answers = new ArrayList<>(send(fuzzed, Frames.startup("user", "fuzz")));
      for (byte[] frame : script) {
        if (!fuzzed.isActive()) {
          break;
        }
        answers.addAll(send(fuzzed, Unpooled.wrappedBuffer(frame)));
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
      assertThat(new String(reply.get(1).body(), java.nio.charset.StandardCharsets.UTF_8))
          .endsWith("42");
      other.finishAndReleaseAll();
    }
  }

  private static EmbeddedChannel connect(HeliosDB db, SessionRegistry registry) {
    PgFrameDecoder decoder = new PgFrameDecoder(1 << 20);
    return new EmbeddedChannel(
        decoder, new PgWireHandler(db, registry, Runnable::run, decoder, Authentication.trust()));
  }

  private static List<Backend> send(EmbeddedChannel ch, ByteBuf frame) {
    ch.writeInbound(frame);
    ch.runPendingTasks();
    List<Backend> out = new ArrayList<>();
    for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
      out.addAll(Frames.parse(b));
      b.release();
    }
    return out;
  }
}
