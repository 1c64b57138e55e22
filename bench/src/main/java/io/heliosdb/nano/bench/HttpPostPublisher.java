package io.heliosdb.nano.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Publishes through the HTTP gateway: one {@code POST /channels/{channel}} per notification on one
 * keep-alive connection, the payload as the body, returning on the 204 (sent once committed).
 * Written on a blocking socket, so that the figures are the server's and not an HTTP client's.
 * Channel names and payloads are ASCII needing no percent-encoding.
 */
final class HttpPostPublisher implements WirePublisher {
  private final SocketChannel channel;
  private final String host;
  private ByteBuffer in = ByteBuffer.allocate(4096);

  HttpPostPublisher(String host, int port) throws IOException {
    this.host = host;
    channel = SocketChannel.open(new InetSocketAddress(host, port));
    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
  }

  @Override
  public void send(String channel, String payload) throws IOException {
    byte[] body = payload.getBytes(StandardCharsets.UTF_8);
    byte[] head =
        ("POST /channels/"
                + channel
                + " HTTP/1.1\r\nHost: "
                + host
                + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    ByteBuffer out = ByteBuffer.allocate(head.length + body.length).put(head).put(body).flip();
    while (out.hasRemaining()) {
      this.channel.write(out);
    }
    HttpHead response;
    while (true) {
      in.flip();
      response = HttpHead.take(in);
      in.compact();
      if (response != null) {
        break;
      }
      if (!in.hasRemaining()) {
        in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
      }
      if (this.channel.read(in) < 0) {
        throw new IOException("the server closed the connection");
      }
    }
    String length = response.header("Content-Length");
    int bodyBytes = length == null ? 0 : Integer.parseInt(length);
    while (in.position() < bodyBytes) {
      if (this.channel.read(in) < 0) {
        throw new IOException("the server closed the connection");
      }
    }
    in.flip();
    String answer = new String(in.array(), 0, bodyBytes, StandardCharsets.UTF_8);
    in.position(bodyBytes).compact();
    if (response.status() != 204) {
      throw new IOException(
          "POST /channels/" + channel + ": " + response.statusLine() + " " + answer);
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
