package io.heliosdb.nano.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test helper: the JDK's WebSocket client on /ws, collecting the server's JSON messages, its close
 * code and its pings. With {@code autoRead} false it takes one message at a time when asked ({@link
 * #request}), so the JDK stops reading the socket: a client that does not read.
 */
final class WsClient implements WebSocket.Listener, AutoCloseable {
  final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
  final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  final AtomicInteger pings = new AtomicInteger();
  private final boolean autoRead;
  private final StringBuilder partial = new StringBuilder();
  WebSocket ws;

  private WsClient(boolean autoRead) {
    this.autoRead = autoRead;
  }

  /** Connects to {@code uri} with the headers given as name, value, name, value... */
  static WsClient connect(URI uri, boolean autoRead, String... headers) {
    WsClient c = new WsClient(autoRead);
    WebSocket.Builder b = TestServer.CLIENT.newWebSocketBuilder();
    b.connectTimeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    c.ws = b.buildAsync(uri, c).join();
    return c;
  }

  static WsClient connect(TestServer server, String... headers) {
    return connect(wsUri(server, "/ws"), true, headers);
  }

  static URI wsUri(TestServer server, String pathAndQuery) {
    return URI.create("ws://127.0.0.1:" + server.http.port() + pathAndQuery);
  }

  void send(String json) {
    ws.sendText(json, true).join();
  }

  /** The next message, failing after 10 s without one. */
  JsonNode next() throws InterruptedException {
    JsonNode m = messages.poll(10, TimeUnit.SECONDS);
    if (m == null) {
      throw new AssertionError("no WebSocket message within 10 s");
    }
    return m;
  }

  /** The next message whose op is {@code op}, skipping others (e.g. notifications). */
  JsonNode next(String op) throws InterruptedException {
    for (; ; ) {
      JsonNode m = next();
      if (m.path("op").asText().equals(op)) {
        return m;
      }
    }
  }

  void request(long n) {
    ws.request(n);
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(autoRead ? Long.MAX_VALUE : 1);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      try {
        messages.add(Responses.JSON.readTree(partial.toString()));
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + partial, e);
      }
      partial.setLength(0);
    }
    return null;
  }

  @Override
  public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
    pings.incrementAndGet();
    if (autoRead) {
      webSocket.request(1); // onPing took a unit of demand; the JDK answers with a pong itself
    }
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closeCode.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closeCode.completeExceptionally(error);
  }

  @Override
  public void close() {
    if (!ws.isOutputClosed()) {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
    }
    ws.abort();
  }
}
