package io.heliosdb.nano.wire;

import io.heliosdb.nano.wire.messages.Frames;
import io.netty.buffer.ByteBuf;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: a client on a plain socket that sends {@link Frames} and reads backend messages one
 * by one, so a test sees exactly what the server sent, and when it closed the connection.
 */
final class RawClient implements AutoCloseable {
  final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  /** The session's process id (BackendKeyData), once started. */
  int pid;

  RawClient(int port) throws IOException {
    this(port, 0);
  }

  /** With a receive buffer of {@code receiveBuffer} bytes (0: the system's). */
  RawClient(int port, int receiveBuffer) throws IOException {
    socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
    socket.setSoTimeout(30_000); // a failure, not a hang, when something never comes
    in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
    out = socket.getOutputStream();
  }

  /** Connects and starts a session as {@code user}; returns the messages up to ReadyForQuery. */
  static RawClient session(int port) throws IOException {
    return new RawClient(port).start();
  }

  /** Starts a session as user "raw"; returns this. */
  RawClient start() throws IOException {
    return start("raw", "test");
  }

  /** Starts a session as {@code user} on {@code database}; returns this. */
  RawClient start(String user, String database) throws IOException {
    send(Frames.startup("user", user, "database", database));
    for (Frames.Backend m : untilReady()) {
      if (m.type() == 'K') {
        pid = m.buf().readInt();
      }
    }
    return this;
  }

  void send(ByteBuf frame) throws IOException {
    byte[] b = new byte[frame.readableBytes()];
    frame.readBytes(b);
    frame.release();
    out.write(b);
    out.flush();
  }

  /** The next message; EOFException when the server closed the connection. */
  Frames.Backend read() throws IOException {
    char type = (char) in.readUnsignedByte();
    byte[] body = new byte[in.readInt() - 4];
    in.readFully(body);
    return new Frames.Backend(type, body);
  }

  /** The messages up to and including ReadyForQuery. */
  List<Frames.Backend> untilReady() throws IOException {
    List<Frames.Backend> got = new ArrayList<>();
    Frames.Backend m;
    do {
      m = read();
      got.add(m);
    } while (m.type() != 'Z');
    return got;
  }

  /** Runs a simple query; the answer up to ReadyForQuery. */
  List<Frames.Backend> query(String sql) throws IOException {
    send(Frames.query(sql));
    return untilReady();
  }

  /**
   * Runs a statement in the extended protocol as drivers do (Parse, Bind with text results,
   * Describe of the portal, Execute, Sync); the answer up to ReadyForQuery.
   */
  List<Frames.Backend> extendedQuery(String sql) throws IOException {
    send(Frames.parse("", sql));
    send(Frames.bind("", "", new short[0]));
    send(Frames.describe('P', ""));
    send(Frames.execute("", 0));
    send(Frames.sync());
    return untilReady();
  }

  /** Every message until the server closes the connection. */
  List<Frames.Backend> untilClosed() throws IOException {
    List<Frames.Backend> got = new ArrayList<>();
    try {
      while (true) {
        got.add(read());
      }
    } catch (EOFException e) {
      return got;
    }
  }

  /** Whether the server closed the connection with nothing (more) to read. */
  boolean closedWithoutAWord() throws IOException {
    try {
      return in.read() == -1;
    } catch (java.net.SocketException e) {
      return true; // reset: closed as well
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
