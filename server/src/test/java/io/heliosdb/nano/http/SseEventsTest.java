package io.heliosdb.nano.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The exact bytes of events, and how paths become routes and channel names. */
class SseEventsTest {
  private static String event(String name, long id, String data) {
    ByteBuf b = Unpooled.buffer();
    try {
      SseEvents.event(b, name, id, data);
      return b.toString(StandardCharsets.UTF_8);
    } finally {
      b.release();
    }
  }

  @Test
  void eventsAreFramedAsTheStandardSays() {
    assertThat(event("orders", 42, "{\"id\":7}"))
        .isEqualTo("id: 42\nevent: orders\ndata: {\"id\":7}\n\n");
    assertThat(event("c", 0, "")).isEqualTo("event: c\ndata: \n\n");
    assertThat(event("c", 0, "a\nb\r\nc\rd"))
        .isEqualTo("event: c\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
    assertThat(event("c", 0, "end\n")).isEqualTo("event: c\ndata: end\ndata: \n\n");
    assertThat(event("é", 0, " ünï")).isEqualTo("event: é\ndata:  ünï\n\n");
    ByteBuf b = Unpooled.buffer();
    SseEvents.comment(b, "heartbeat");
    assertThat(b.toString(StandardCharsets.UTF_8)).isEqualTo(": heartbeat\n\n");
    b.release();
  }

  @Test
  void pathsBecomeRoutesWithDecodedChannelNames() {
    assertThat(Routes.route("/channels/orders/events"))
        .isEqualTo(new Routes.Route("/channels/{channel}/events", HttpMethod.GET, "orders"));
    assertThat(Routes.route("/channels/a%20b%2Fc+d"))
        .isEqualTo(new Routes.Route("/channels/{channel}", HttpMethod.POST, "a b/c+d"));
    assertThat(Routes.route("/channels/%C3%A9t%C3%A9/events").channel()).isEqualTo("été");
    assertThat(Routes.route("/events").method()).isEqualTo(HttpMethod.GET);
    assertThatThrownBy(() -> Routes.route("/channels")).hasMessageStartingWith("no such endpoint");
    assertThatThrownBy(() -> Routes.route("/health/")).hasMessageStartingWith("no such endpoint");
  }

  @Test
  void channelNamesAreHeldToWhatListenTakes() {
    ChannelNames.check("x".repeat(63));
    ChannelNames.check("é".repeat(31)); // 62 bytes
    assertThatThrownBy(() -> ChannelNames.check("é".repeat(32)))
        .hasMessage("channel name is 64 bytes long: at most 63 are allowed");
    assertThatThrownBy(() -> ChannelNames.check("")).hasMessage("channel name is empty");
    assertThatThrownBy(() -> ChannelNames.check("a\u007fb"))
        .hasMessage("channel name contains a control character (U+007F)");
    assertThatThrownBy(() -> ChannelNames.check("a\rb")).hasMessageContaining("U+000D");
  }
}
