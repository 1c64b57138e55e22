package io.heliosdb.nano.cli;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Test helper for {@link HostileClientsTest}: random and malformed PostgreSQL frontend messages and
 * HTTP requests, from a seeded {@link Random}. Each method returns the bytes of one message.
 */
final class HostileMessages {
  private static final List<String> SQL =
      List.of(
          "SELECT 1",
          "SELECT $1::text",
          "SELECT $1, $2",
          "LISTEN hostile",
          "NOTIFY hostile, 'x'",
          "UNLISTEN *",
          "BEGIN",
          "COMMIT",
          "ROLLBACK",
          "SELECT * FROM no_such_table",
          "SELECT pg_notify('hostile', 'y')",
          "SELEC",
          "",
          "SELECT 1; SELECT 2",
          "SET application_name = 'x'",
          "SELECT current_setting('nope')");

  private final Random random;

  HostileMessages(Random random) {
    this.random = random;
  }

  static byte[] startup() {
    return untyped(196608, "user\0hostile\0database\0x\0\0".getBytes(StandardCharsets.US_ASCII));
  }

  /** Parse of {@code sql} into the unnamed statement, no parameter types. */
  static byte[] parse(String sql) {
    return typed('P', concat(cstring(""), cstring(sql), new byte[] {0, 0}));
  }

  /**
   * The Bind of issue 11: 27 bytes on the wire, declaring one parameter of {@code declared} bytes
   * and holding 8.
   */
  static byte[] lyingBind(int declared) {
    ByteBuffer b = ByteBuffer.allocate(1 + 4 + 18);
    b.put((byte) 'B').putInt(4 + 18).put((byte) 0).put((byte) 0).putShort((short) 0);
    b.putShort((short) 1).putInt(declared).put("12345678".getBytes(StandardCharsets.US_ASCII));
    byte[] frame = b.array();
    byte[] withSync = concat(frame, typed('S', new byte[0]));
    return withSync;
  }

  static byte[] terminate() {
    return typed('X', new byte[0]);
  }

  /** Random bytes, 1 to {@code max}. */
  byte[] garbage(int max) {
    byte[] b = new byte[1 + random.nextInt(max)];
    random.nextBytes(b);
    return b;
  }

  /** One message after the startup: mostly well framed, with random or lying contents. */
  byte[] message() {
    int kind = random.nextInt(12);
    return switch (kind) {
      case 0 -> typed('Q', cstring(sql()));
      case 1 -> parse(sql());
      case 2 -> bind();
      case 3 -> execute();
      case 4 ->
          typed(
              'D',
              concat(new byte[] {pickByte((byte) 'S', (byte) 'P', (byte) 'X')}, cstring(name())));
      case 5 ->
          typed(
              'C',
              concat(new byte[] {pickByte((byte) 'S', (byte) 'P', (byte) 0)}, cstring(name())));
      case 6 -> typed('H', new byte[0]);
      case 7 -> typed('S', random.nextInt(8) == 0 ? garbage(4) : new byte[0]);
      case 8 -> typed((char) (33 + random.nextInt(90)), garbage(64));
      case 9 -> typed('d', garbage(128)); // CopyData outside COPY
      case 10 -> lyingParse();
      default -> typed('Q', garbage(100)); // a query without its terminator, or binary text
    };
  }

  /** A frame whose length promises more than will ever come (the connection closes first). */
  byte[] lyingLength() {
    int declared = pickInt(1 << 20, 16 << 20, Integer.MAX_VALUE, 5 + random.nextInt(1000));
    ByteBuffer b = ByteBuffer.allocate(5 + 16);
    b.put((byte) pickChar('Q', 'B', 'P', 'E')).putInt(declared);
    byte[] rest = garbage(16);
    b.put(rest, 0, Math.min(rest.length, 16));
    return b.array();
  }

  /** Garbage for the HTTP port: random bytes, broken requests, a WebSocket with broken frames. */
  byte[] http() {
    int kind = random.nextInt(5);
    return switch (kind) {
      case 0 -> garbage(512);
      case 1 ->
          ascii(
              "POST /channels/hostile HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                  + pick("1000000000", "-1", "12", "abc")
                  + "\r\n\r\n{\"a\":");
      case 2 ->
          concat(
              ascii(
                  "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                      + "Sec-WebSocket-Version: 13\r\n\r\n"),
              wsFrames());
      case 3 -> ascii("GET /" + "a".repeat(random.nextInt(20_000)) + " HTTP/1.1\r\n\r\n");
      default ->
          ascii(
              pick("GET", "BREW", "\0\0", "POST")
                  + " "
                  + pick("/health", "/metrics", "/events?channel=", "/channels/%zz/events")
                  + " HTTP/1."
                  + random.nextInt(3)
                  + "\r\nX: "
                  + new String(garbage(50), StandardCharsets.ISO_8859_1)
                  + "\r\n\r\n");
    };
  }

  /** WebSocket frames with random opcodes, masks and lengths (some claiming 2^62 bytes). */
  private byte[] wsFrames() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = random.nextInt(5); i >= 0; i--) {
      out.write(random.nextInt(256));
      int len = random.nextInt(4);
      if (len == 3) {
        out.write(0x80 | 127);
        out.writeBytes(ByteBuffer.allocate(8).putLong(1L << 62).array());
      } else {
        out.write((random.nextBoolean() ? 0x80 : 0) | random.nextInt(126));
      }
      out.writeBytes(garbage(40));
    }
    return out.toByteArray();
  }

  private byte[] bind() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(cstring(random.nextBoolean() ? "" : name()));
    out.writeBytes(cstring(random.nextBoolean() ? "" : name()));
    int formats = pickInt(0, 1, 2, 65535);
    out.writeBytes(ByteBuffer.allocate(2).putShort((short) formats).array());
    for (int i = 0; i < Math.min(formats, 2); i++) {
      out.writeBytes(ByteBuffer.allocate(2).putShort((short) random.nextInt(3)).array());
    }
    int values = pickInt(0, 1, 2, 65535);
    out.writeBytes(ByteBuffer.allocate(2).putShort((short) values).array());
    for (int i = 0; i < Math.min(values, 2); i++) {
      int length = pickInt(-1, 3, 1 << 30, Integer.MAX_VALUE, -7);
      out.writeBytes(ByteBuffer.allocate(4).putInt(length).array());
      out.writeBytes("abc".getBytes(StandardCharsets.US_ASCII));
    }
    if (random.nextBoolean()) {
      out.writeBytes(new byte[] {0, 0});
    }
    return typed('B', out.toByteArray());
  }

  private byte[] execute() {
    byte[] body = concat(cstring(random.nextBoolean() ? "" : name()), garbage(4));
    return typed('E', body);
  }

  private byte[] lyingParse() {
    int types = pickInt(65535, 1000, 3);
    return typed(
        'P',
        concat(
            cstring(name()),
            cstring(sql()),
            ByteBuffer.allocate(2).putShort((short) types).array()));
  }

  private String sql() {
    return SQL.get(random.nextInt(SQL.size()));
  }

  private String name() {
    return "s" + random.nextInt(4);
  }

  @SafeVarargs
  private <T> T pick(T... options) {
    return options[random.nextInt(options.length)];
  }

  private byte pickByte(byte... options) {
    return options[random.nextInt(options.length)];
  }

  private int pickInt(int... options) {
    return options[random.nextInt(options.length)];
  }

  private char pickChar(char... options) {
    return options[random.nextInt(options.length)];
  }

  static byte[] typed(char type, byte[] body) {
    return concat(
        new byte[] {(byte) type}, ByteBuffer.allocate(4).putInt(4 + body.length).array(), body);
  }

  private static byte[] untyped(int code, byte[] body) {
    return concat(ByteBuffer.allocate(8).putInt(8 + body.length).putInt(code).array(), body);
  }

  private static byte[] cstring(String s) {
    return concat(s.getBytes(StandardCharsets.UTF_8), new byte[] {0});
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
