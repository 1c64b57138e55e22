package io.heliosdb.nano.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Test helper: an HTTP/1.1 connection written by hand, for requests the JDK's client will not send
 * (bad percent-escapes, another Host, half a request) and for reading answers one at a time on a
 * connection that stays open.
 */
final class RawHttp implements AutoCloseable {
  /** One response: status, headers (names in lower case) and the body of its Content-Length. */
  record Response(int status, Map<String, String> headers, String body) {
    JsonNode json() throws IOException {
      return Responses.JSON.readTree(body);
    }
  }

  final Socket socket;
  private final PushbackInputStream in;
  private final OutputStream out;

  /** Connects to the gateway of {@code server} from 127.0.0.1. */
  RawHttp(TestServer server) throws IOException {
    this(server.http.port(), "127.0.0.1");
  }

  /** Connects to {@code port} of 127.0.0.1 from {@code localAddress} (any 127.x.y.z on Linux). */
  RawHttp(int port, String localAddress) throws IOException {
    socket = new Socket();
    socket.bind(new InetSocketAddress(localAddress, 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    socket.setSoTimeout(60_000);
    in = new PushbackInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /** Writes {@code text} as it is (ISO-8859-1, one byte per char). */
  RawHttp send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return this;
  }

  /** {@code GET target} with Host 127.0.0.1 and {@code headers} (lines without CRLF). */
  RawHttp get(String target, String... headers) throws IOException {
    StringBuilder b = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String h : headers) {
      b.append(h).append("\r\n");
    }
    return send(b.append("\r\n").toString());
  }

  /** Reads one response; fails when the connection ends first. */
  Response read() throws IOException {
    String head = line();
    String[] status = head.split(" ", 3);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String h = line(); !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      headers.put(
          h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    if (body.length < length) {
      throw new IOException(
          "connection ended in a body: " + new String(body, StandardCharsets.UTF_8));
    }
    return new Response(
        Integer.parseInt(status[1]), headers, new String(body, StandardCharsets.UTF_8));
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection ended after: " + line.toString(StandardCharsets.UTF_8));
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  /**
   * Whether the server closed the connection: true at the end of the stream or a reset, false when
   * it sends something else or nothing within {@code millis}.
   */
  boolean closedByServer(int millis) throws IOException {
    socket.setSoTimeout(millis);
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    } finally {
      socket.setSoTimeout(60_000);
    }
  }

  /**
   * Whether the server sent something or closed within {@code millis}; what it sent is left to
   * read.
   */
  boolean answered(int millis) throws IOException {
    socket.setSoTimeout(millis);
    try {
      int b = in.read();
      if (b >= 0) {
        in.unread(b);
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } finally {
      socket.setSoTimeout(60_000);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
