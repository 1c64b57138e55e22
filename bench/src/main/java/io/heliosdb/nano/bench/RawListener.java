package io.heliosdb.nano.bench;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A LISTEN session speaking the PostgreSQL protocol directly (trust authentication, simple query),
 * handing each NotificationResponse payload to a consumer as soon as it is read: pgjdbc's
 * getNotifications batches and would add its own latency to what the harness measures.
 */
final class RawListener implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;

  RawListener(String host, int port, String channel) throws IOException {
    socket = new Socket(host, port);
    socket.setTcpNoDelay(true);
    in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
    out = new DataOutputStream(socket.getOutputStream());
    byte[] params = "user\0postgres\0database\0postgres\0\0".getBytes(StandardCharsets.UTF_8);
    out.writeInt(8 + params.length);
    out.writeInt(196608);
    out.write(params);
    out.flush();
    readUntilReady(null);
    byte[] q = ("LISTEN " + channel + "\0").getBytes(StandardCharsets.UTF_8);
    out.writeByte('Q');
    out.writeInt(4 + q.length);
    out.write(q);
    out.flush();
    readUntilReady(null);
  }

  /** Reads messages until the socket closes, passing each notification's payload on. */
  void run(Consumer<String> payloads) {
    try {
      while (true) {
        readMessage(payloads);
      }
    } catch (IOException closed) {
      // the harness closed the socket: done
    }
  }

  private void readUntilReady(Consumer<String> payloads) throws IOException {
    while (readMessage(payloads) != 'Z') {
      // startup and command responses
    }
  }

  private char readMessage(Consumer<String> payloads) throws IOException {
    char type = (char) in.readUnsignedByte();
    int length = in.readInt();
    byte[] body = new byte[length - 4];
    in.readFully(body);
    if (type == 'E') {
      throw new IOException("server error: " + new String(body, StandardCharsets.UTF_8));
    }
    if (type == 'A' && payloads != null) {
      int channelEnd = 4;
      while (body[channelEnd] != 0) {
        channelEnd++;
      }
      int payloadEnd = channelEnd + 1;
      while (body[payloadEnd] != 0) {
        payloadEnd++;
      }
      payloads.accept(
          new String(body, channelEnd + 1, payloadEnd - channelEnd - 1, StandardCharsets.UTF_8));
    }
    return type;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
