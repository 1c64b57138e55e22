package io.heliosdb.nano.wire.messages;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Test helper: frontend messages as bytes, backend bytes as readable messages. Public for the tests
 * of every wire package.
 */
public final class Frames {
  private Frames() {}

  /** One backend message: its type and body. */
  public record Backend(char type, byte[] body) {
    public ByteBuf buf() {
      return Unpooled.wrappedBuffer(body);
    }

    /** The fields of an ErrorResponse or NoticeResponse, by field code. */
    public Map<Character, String> fields() {
      ByteBuf b = buf();
      Map<Character, String> out = new java.util.LinkedHashMap<>();
      while (b.isReadable()) {
        byte code = b.readByte();
        if (code == 0) {
          break;
        }
        out.put((char) code, cstring(b));
      }
      return out;
    }

    public String sqlState() {
      return fields().get('C');
    }

    public String severity() {
      return fields().get('V');
    }

    public String message() {
      return fields().get('M');
    }

    /** The tag of a CommandComplete. */
    public String tag() {
      return cstring(buf());
    }

    /** The status byte of a ReadyForQuery. */
    public char status() {
      return (char) body[0];
    }

    /** The values of a DataRow as text (null for NULL). */
    public List<String> values() {
      ByteBuf b = buf();
      int n = b.readShort();
      List<String> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int len = b.readInt();
        out.add(len < 0 ? null : b.readCharSequence(len, StandardCharsets.UTF_8).toString());
      }
      return out;
    }

    /** Name and type OID of each column of a RowDescription, as "name:oid". */
    public List<String> columns() {
      ByteBuf b = buf();
      int n = b.readShort();
      List<String> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String name = cstring(b);
        b.skipBytes(6);
        int oid = b.readInt();
        b.skipBytes(8);
        out.add(name + ":" + oid);
      }
      return out;
    }

    /** A NotificationResponse as "pid channel payload". */
    public String notification() {
      ByteBuf b = buf();
      int pid = b.readInt();
      return pid + " " + cstring(b) + " " + cstring(b);
    }

    @Override
    public String toString() {
      return switch (type) {
        case 'E', 'N' -> type + fields().toString();
        case 'C' -> "C " + tag();
        case 'Z' -> "Z " + status();
        default -> String.valueOf(type);
      };
    }
  }

  public static String cstring(ByteBuf b) {
    int len = b.bytesBefore((byte) 0);
    String s = b.readCharSequence(len, StandardCharsets.UTF_8).toString();
    b.skipBytes(1);
    return s;
  }

  /** Splits backend bytes into messages (the lone 'N' answer to SSLRequest is not typed). */
  public static List<Backend> parse(ByteBuf in) {
    List<Backend> out = new ArrayList<>();
    while (in.readableBytes() >= 5) {
      char type = (char) in.readByte();
      int len = in.readInt();
      byte[] body = new byte[len - 4];
      in.readBytes(body);
      out.add(new Backend(type, body));
    }
    return out;
  }

  public static ByteBuf startup(String... keyValues) {
    ByteBuf body = Unpooled.buffer();
    body.writeInt(MessageTypes.PROTOCOL_3_0);
    for (String s : keyValues) {
      body.writeCharSequence(s, StandardCharsets.UTF_8);
      body.writeByte(0);
    }
    body.writeByte(0);
    return Unpooled.buffer().writeInt(body.readableBytes() + 4).writeBytes(body);
  }

  public static ByteBuf untyped(int code, int... ints) {
    ByteBuf b = Unpooled.buffer().writeInt(8 + 4 * ints.length).writeInt(code);
    for (int i : ints) {
      b.writeInt(i);
    }
    return b;
  }

  public static ByteBuf query(String sql) {
    byte[] text = sql.getBytes(StandardCharsets.UTF_8);
    return Unpooled.buffer()
        .writeByte('Q')
        .writeInt(4 + text.length + 1)
        .writeBytes(text)
        .writeByte(0);
  }

  public static ByteBuf typed(char type, byte[] body) {
    return Unpooled.buffer().writeByte(type).writeInt(4 + body.length).writeBytes(body);
  }

  /** Parse: statement name, SQL, parameter type OIDs. */
  public static ByteBuf parse(String name, String sql, int... oids) {
    ByteBuf b = Unpooled.buffer();
    cstring(b, name);
    cstring(b, sql);
    b.writeShort(oids.length);
    for (int oid : oids) {
      b.writeInt(oid);
    }
    return typed('P', b);
  }

  /** Bind with all parameters in text format (null = SQL NULL) and the given result formats. */
  public static ByteBuf bind(
      String portal, String statement, short[] resultFormats, String... values) {
    byte[][] bytes = new byte[values.length][];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = values[i] == null ? null : values[i].getBytes(StandardCharsets.UTF_8);
    }
    return bind(portal, statement, new short[0], bytes, resultFormats);
  }

  public static ByteBuf bind(
      String portal, String statement, short[] formats, byte[][] values, short[] resultFormats) {
    ByteBuf b = Unpooled.buffer();
    cstring(b, portal);
    cstring(b, statement);
    shorts(b, formats);
    b.writeShort(values.length);
    for (byte[] v : values) {
      if (v == null) {
        b.writeInt(-1);
      } else {
        b.writeInt(v.length).writeBytes(v);
      }
    }
    shorts(b, resultFormats);
    return typed('B', b);
  }

  /** A count and that many int16 (format codes). */
  private static void shorts(ByteBuf b, short[] values) {
    b.writeShort(values.length);
    for (short v : values) {
      b.writeShort(v);
    }
  }

  /** Describe ('S' statement, 'P' portal). */
  public static ByteBuf describe(char kind, String name) {
    ByteBuf b = Unpooled.buffer().writeByte(kind);
    cstring(b, name);
    return typed('D', b);
  }

  public static ByteBuf execute(String portal, int maxRows) {
    ByteBuf b = Unpooled.buffer();
    cstring(b, portal);
    return typed('E', b.writeInt(maxRows));
  }

  public static ByteBuf close(char kind, String name) {
    ByteBuf b = Unpooled.buffer().writeByte(kind);
    cstring(b, name);
    return typed('C', b);
  }

  public static ByteBuf sync() {
    return typed('S', new byte[0]);
  }

  public static ByteBuf flush() {
    return typed('H', new byte[0]);
  }

  private static ByteBuf typed(char type, ByteBuf body) {
    ByteBuf out = Unpooled.buffer().writeByte(type).writeInt(4 + body.readableBytes());
    out.writeBytes(body);
    body.release();
    return out;
  }

  private static void cstring(ByteBuf b, String s) {
    b.writeCharSequence(s, StandardCharsets.UTF_8);
    b.writeByte(0);
  }
}
