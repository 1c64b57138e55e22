package io.heliosdb.nano.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import io.heliosdb.nano.net.AllocationMeter;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Set;

/**
 * Coverage-guided fuzzing (Jazzer) of what reads an HTTP client's bytes: Netty's codec with the
 * gateway's caps (request line, headers, body), then the gateway's own reading of each request
 * (Host check, URL decoding, route, channels, token), and WebSocket requests (JSON).
 *
 * <ul>
 *   <li>Whatever the bytes, each request read ends in a route or an {@link HttpError} with a status
 *       under 500 and a SQLSTATE where the docs give one, never another exception; the codec never
 *       allocates more than the bytes given could need (a {@code Content-Length} or chunk size is
 *       not trusted).
 *   <li>Whatever the text of a WebSocket message, it is a request or an error with a SQLSTATE.
 * </ul>
 *
 * <p>{@code ./mvnw verify} replays the committed corpus ({@code HttpParsersFuzzTestInputs} in the
 * test resources); {@code bench/fuzz.sh} fuzzes each for as long as it is given.
 */
class HttpParsersFuzzTest {
  private static final int MAX_BODY = 8000;
  private static final Set<String> SQLSTATES =
      Set.of("22023", "22021", "22P02", "28000", "42501", "53300", "53400", "42710");

  private static final HttpConfig CONFIG =
      HttpConfig.builder()
          .token(
              "reader",
              "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752",
              List.of("orders", "audit.*"),
              List.of())
          .build();

  private static final Access ACCESS = new Access(CONFIG);
  private static final AllowedHosts LOOPBACK = new AllowedHosts("127.0.0.1", true, List.of());

  /**
   * Netty's buffers and the copies of each request's line, headers and body, and an error with its
   * stack trace for each request refused: a request can be 16 bytes, so up to a KiB a byte. A
   * length taken from the bytes (Content-Length, a chunk size) would be megabytes to gigabytes.
   */
  private static long allowance(int bytes) {
    return 1024 * 1024 + 1024L * bytes;
  }

  @FuzzTest(maxDuration = "2m")
  void requests(FuzzedDataProvider data) throws Exception {
    int split = data.consumeInt(0, 256);
    byte[] bytes = data.consumeRemainingAsBytes();
    long allocated =
        AllocationMeter.bytesAllocatedBy(() -> decode(Math.min(split, bytes.length), bytes));
    assertThat(allocated)
        .as("bytes allocated to read %d bytes of requests", bytes.length)
        .isLessThan(allowance(bytes.length));
  }

  private static void decode(int split, byte[] bytes) {
    EmbeddedChannel ch =
        new EmbeddedChannel(
            new HttpServerCodec(HttpGateway.MAX_LINE_BYTES, 8192, 8192),
            new PayloadAggregator(MAX_BODY),
            new SimpleChannelInboundHandler<FullHttpRequest>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                read(req);
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                // The input ends mid-request and the channel closes: the client hung up, which
                // HttpHandler counts as closed_mid_message. Anything else is a finding.
                if (!(cause instanceof PrematureChannelClosureException)) {
                  ctx.fireExceptionCaught(cause);
                }
              }
            });
    try {
      ch.writeInbound(Unpooled.wrappedBuffer(bytes, 0, split));
      if (ch.isOpen()) { // the aggregator closes a connection it answered 413 that does not go on
        ch.writeInbound(Unpooled.wrappedBuffer(bytes, split, bytes.length - split));
      }
      ch.checkException();
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  /** What HttpHandler reads of a request before it dispatches it, in its order. */
  private static void read(FullHttpRequest req) {
    assertThat(req.content().readableBytes()).isLessThanOrEqualTo(MAX_BODY);
    try {
      if (req.decoderResult().isFailure()) {
        return; // answered 400 by HttpHandler, as a client's mistake
      }
      LOOPBACK.check(req);
      QueryStringDecoder target = RequestTarget.of(req.uri());
      Routes.Route route = Routes.route(target.rawPath());
      assertThat(route.name()).isNotEmpty();
      if (route.channel() != null) {
        ChannelNames.check(route.channel());
      }
      if (route.name().equals("/events")) {
        for (String c : Routes.channels(target)) {
          ChannelNames.check(c);
        }
      }
      Access.Principal who = ACCESS.authenticate(Routes.streamAuthorization(req, target));
      assertThat(who).isNotNull();
      ACCESS.allowedOrigin(req.headers().get(HttpHeaderNames.ORIGIN));
    } catch (HttpError e) {
      assertThat(e.status().code()).as(e.getMessage()).isBetween(400, 499);
      if (e.sqlState() != null) {
        assertThat(e.sqlState()).as(e.getMessage()).isIn(SQLSTATES);
      }
    }
  }

  @FuzzTest(maxDuration = "2m")
  void webSocketRequests(@NotNull String text) {
    try {
      WsMessages.Request r = WsMessages.parse(text);
      assertThat(r).isNotNull();
    } catch (HttpError e) {
      assertThat(e.sqlState()).as(e.getMessage()).isIn(SQLSTATES);
      WsMessages.error(e).release();
    }
  }
}
