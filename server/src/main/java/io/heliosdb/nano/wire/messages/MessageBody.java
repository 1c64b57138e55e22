package io.heliosdb.nano.wire.messages;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Reads the body of one frontend message, as PostgreSQL's {@code pq_getmsg*} functions do: every
 * count and length the client declares is checked against the bytes actually left in the body
 * before anything is allocated, so a message of a few bytes can never ask for more memory than it
 * holds. A body that lies is {@link Malformed}: "insufficient data left in message", "invalid
 * string in message" or, with bytes left over, "invalid message format" (08P01, as PostgreSQL).
 */
final class MessageBody {

  /** The body does not hold what it declares; the message is a protocol violation. */
  static final class Malformed extends Exception {
    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  private final ByteBuf body;

  MessageBody(ByteBuf body) {
    this.body = body;
  }

  byte int8() throws Malformed {
    need(1);
    return body.readByte();
  }

  short int16() throws Malformed {
    need(2);
    return body.readShort();
  }

  int int32() throws Malformed {
    need(4);
    return body.readInt();
  }

  /**
   * An int16 count of elements that follow, each at least {@code minBytesEach} long: checked
   * against the bytes left, so an array of that many elements is not sized by a lie.
   */
  int count(int minBytesEach) throws Malformed {
    need(2);
    int count = body.readUnsignedShort();
    need((long) count * minBytesEach);
    return count;
  }

  /** {@code length} bytes; the length was declared by the client and is checked first. */
  byte[] bytes(int length) throws Malformed {
    if (length < 0) {
      throw insufficientData();
    }
    need(length);
    byte[] bytes = new byte[length];
    body.readBytes(bytes);
    return bytes;
  }

  /** A NUL-terminated string (UTF-8; the client_encoding is always UTF8). */
  String cstring() throws Malformed {
    int length = body.bytesBefore((byte) 0);
    if (length < 0) {
      throw new Malformed("invalid string in message");
    }
    String s = body.toString(body.readerIndex(), length, StandardCharsets.UTF_8);
    body.skipBytes(length + 1);
    return s;
  }

  /** The body must have been read to its end. */
  void end() throws Malformed {
    if (body.isReadable()) {
      throw new Malformed("invalid message format");
    }
  }

  private void need(long bytes) throws Malformed {
    if (bytes > body.readableBytes()) {
      throw insufficientData();
    }
  }

  private static Malformed insufficientData() {
    return new Malformed("insufficient data left in message");
  }
}
