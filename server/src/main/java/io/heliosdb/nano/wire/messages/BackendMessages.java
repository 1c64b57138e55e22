package io.heliosdb.nano.wire.messages;

import io.heliosdb.nano.wire.types.PgColumn;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.List;

/**
 * Encoders for the backend messages this server sends, one method each, appending to a buffer.
 * Every typed message is {@code byte type, int32 length (itself included, the type not), body};
 * strings are C strings in UTF-8.
 */
public final class BackendMessages {
  private BackendMessages() {}

  /** The answer to SSLRequest with TLS configured: the single byte 'S', not a typed message. */
  public static void encryptionAccepted(ByteBuf out) {
    out.writeByte(MessageTypes.ENCRYPTION_ACCEPTED);
  }

  /** The answer to SSLRequest or GSSENCRequest without that encryption: the single byte 'N'. */
  public static void encryptionRefused(ByteBuf out) {
    out.writeByte(MessageTypes.ENCRYPTION_REFUSED);
  }

  /** AuthenticationOk: {@code 'R', int32 8, int32 0}. */
  public static void authenticationOk(ByteBuf out) {
    out.writeByte(MessageTypes.AUTHENTICATION).writeInt(8).writeInt(0);
  }

  /** AuthenticationSASL: {@code 'R', int32 length, int32 10, cstring mechanism*, \0}. */
  public static void authenticationSasl(ByteBuf out, List<String> mechanisms) {
    int start = begin(out, MessageTypes.AUTHENTICATION);
    out.writeInt(10);
    for (String m : mechanisms) {
      cstring(out, m);
    }
    out.writeByte(0);
    end(out, start);
  }

  /** AuthenticationSASLContinue: {@code 'R', int32 length, int32 11, bytes} (server-first). */
  public static void authenticationSaslContinue(ByteBuf out, String data) {
    authenticationData(out, 11, data);
  }

  /** AuthenticationSASLFinal: {@code 'R', int32 length, int32 12, bytes} (server-final). */
  public static void authenticationSaslFinal(ByteBuf out, String data) {
    authenticationData(out, 12, data);
  }

  private static void authenticationData(ByteBuf out, int code, String data) {
    int start = begin(out, MessageTypes.AUTHENTICATION);
    out.writeInt(code);
    out.writeCharSequence(data, java.nio.charset.StandardCharsets.UTF_8);
    end(out, start);
  }

  /**
   * NegotiateProtocolVersion: {@code 'v', int32 length, int32 newest minor version supported, int32
   * count of options not recognized, cstring option*}.
   */
  public static void negotiateProtocolVersion(
      ByteBuf out, int newestMinor, List<String> unrecognized) {
    int start = begin(out, MessageTypes.NEGOTIATE_PROTOCOL_VERSION);
    out.writeInt(newestMinor).writeInt(unrecognized.size());
    for (String option : unrecognized) {
      cstring(out, option);
    }
    end(out, start);
  }

  /** ParameterStatus: {@code 'S', int32 length, cstring name, cstring value}. */
  public static void parameterStatus(ByteBuf out, String name, String value) {
    int start = begin(out, MessageTypes.PARAMETER_STATUS);
    cstring(out, name);
    cstring(out, value);
    end(out, start);
  }

  /** BackendKeyData: {@code 'K', int32 12, int32 process id, int32 secret key}. */
  public static void backendKeyData(ByteBuf out, int pid, int secret) {
    out.writeByte(MessageTypes.BACKEND_KEY_DATA).writeInt(12).writeInt(pid).writeInt(secret);
  }

  /**
   * ReadyForQuery: {@code 'Z', int32 5, byte status} with status 'I' idle, 'T' in a transaction
   * block, 'E' in a failed transaction block.
   */
  public static void readyForQuery(ByteBuf out, TransactionStatus status) {
    out.writeByte(MessageTypes.READY_FOR_QUERY).writeInt(5).writeByte(status.code());
  }

  /**
   * RowDescription: {@code 'T', int32 length, int16 column count}, then per column: {@code cstring
   * name, int32 table oid (0 for an expression), int16 column number (attnum, 0 for an expression),
   * int32 type oid, int16 type size (-1 for variable length), int32 type modifier (-1), int16
   * format code (0 = text, 1 = binary)}.
   */
  public static void rowDescription(ByteBuf out, List<PgColumn> columns) {
    rowDescription(out, columns, new short[0]);
  }

  /** RowDescription with format codes as in Bind: none = all text, one = for all, else each. */
  public static void rowDescription(ByteBuf out, List<PgColumn> columns, short[] formats) {
    int start = begin(out, MessageTypes.ROW_DESCRIPTION);
    out.writeShort(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      PgColumn c = columns.get(i);
      cstring(out, c.name());
      out.writeInt(c.tableOid()).writeShort(c.attnum());
      out.writeInt(c.type().oid()).writeShort(c.type().size()).writeInt(-1);
      out.writeShort(formatCode(formats, i));
    }
    end(out, start);
  }

  /** The format code of column or parameter {@code i} in a Bind-style list of codes. */
  public static short formatCode(short[] formats, int i) {
    return formats.length == 0 ? 0 : formats.length == 1 ? formats[0] : formats[i];
  }

  /**
   * DataRow: {@code 'D', int32 length, int16 column count}, then per column {@code int32 length of
   * the value (-1 for NULL), bytes of the value} (text format: UTF-8 without terminator).
   */
  public static void dataRow(ByteBuf out, String[] values) {
    int start = begin(out, MessageTypes.DATA_ROW);
    out.writeShort(values.length);
    for (String v : values) {
      if (v == null) {
        out.writeInt(-1);
      } else {
        int lengthAt = out.writerIndex();
        out.writeInt(0);
        out.setInt(lengthAt, ByteBufUtil.writeUtf8(out, v));
      }
    }
    end(out, start);
  }

  /** ParseComplete: {@code '1', int32 4}. */
  public static void parseComplete(ByteBuf out) {
    out.writeByte(MessageTypes.PARSE_COMPLETE).writeInt(4);
  }

  /** BindComplete: {@code '2', int32 4}. */
  public static void bindComplete(ByteBuf out) {
    out.writeByte(MessageTypes.BIND_COMPLETE).writeInt(4);
  }

  /** CloseComplete: {@code '3', int32 4}. */
  public static void closeComplete(ByteBuf out) {
    out.writeByte(MessageTypes.CLOSE_COMPLETE).writeInt(4);
  }

  /** NoData: {@code 'n', int32 4}, the description of a statement that returns no rows. */
  public static void noData(ByteBuf out) {
    out.writeByte(MessageTypes.NO_DATA).writeInt(4);
  }

  /**
   * PortalSuspended: {@code 's', int32 4}, in place of CommandComplete when Execute's row limit was
   * reached before the end of the rows.
   */
  public static void portalSuspended(ByteBuf out) {
    out.writeByte(MessageTypes.PORTAL_SUSPENDED).writeInt(4);
  }

  /**
   * ParameterDescription: {@code 't', int32 length, int16 parameter count, int32 type oid per
   * parameter}.
   */
  public static void parameterDescription(ByteBuf out, int[] typeOids) {
    out.writeByte(MessageTypes.PARAMETER_DESCRIPTION).writeInt(6 + 4 * typeOids.length);
    out.writeShort(typeOids.length);
    for (int oid : typeOids) {
      out.writeInt(oid);
    }
  }

  /**
   * DataRow with values already in their wire format: {@code 'D', int32 length, int16 column
   * count}, then per column {@code int32 length (-1 for NULL), bytes}.
   */
  public static void dataRow(ByteBuf out, byte[][] values) {
    int start = begin(out, MessageTypes.DATA_ROW);
    out.writeShort(values.length);
    for (byte[] v : values) {
      if (v == null) {
        out.writeInt(-1);
      } else {
        out.writeInt(v.length).writeBytes(v);
      }
    }
    end(out, start);
  }

  /** CommandComplete: {@code 'C', int32 length, cstring tag} such as {@code INSERT 0 1}. */
  public static void commandComplete(ByteBuf out, String tag) {
    int start = begin(out, MessageTypes.COMMAND_COMPLETE);
    cstring(out, tag);
    end(out, start);
  }

  /** EmptyQueryResponse: {@code 'I', int32 4}, in place of CommandComplete for an empty query. */
  public static void emptyQueryResponse(ByteBuf out) {
    out.writeByte(MessageTypes.EMPTY_QUERY_RESPONSE).writeInt(4);
  }

  /**
   * ErrorResponse: {@code 'E', int32 length}, then fields {@code byte code, cstring value}: 'S'
   * severity, 'V' severity (never localized), 'C' SQLSTATE, 'M' message, 'P' 1-based character
   * position in the query when {@code position > 0}; then a terminating {@code \0}.
   */
  public static void errorResponse(
      ByteBuf out, Severity severity, String sqlState, String message, int position) {
    fields(out, MessageTypes.ERROR_RESPONSE, severity, sqlState, message, position, null);
  }

  /** ErrorResponse with a hint ({@code H}), as psql prints under the message. */
  public static void errorResponse(
      ByteBuf out, Severity severity, String sqlState, String message, String hint) {
    fields(out, MessageTypes.ERROR_RESPONSE, severity, sqlState, message, 0, hint);
  }

  /** NoticeResponse: {@code 'N'} and the same fields as {@link #errorResponse}. */
  public static void noticeResponse(
      ByteBuf out, Severity severity, String sqlState, String message) {
    fields(out, MessageTypes.NOTICE_RESPONSE, severity, sqlState, message, 0, null);
  }

  /**
   * NotificationResponse: {@code 'A', int32 length, int32 sender's process id, cstring channel,
   * cstring payload}.
   */
  public static void notificationResponse(ByteBuf out, int pid, String channel, String payload) {
    int start = begin(out, MessageTypes.NOTIFICATION_RESPONSE);
    out.writeInt(pid);
    cstring(out, channel);
    cstring(out, payload);
    end(out, start);
  }

  private static void fields(
      ByteBuf out,
      byte type,
      Severity severity,
      String sqlState,
      String message,
      int position,
      String hint) {
    int start = begin(out, type);
    field(out, 'S', severity.name());
    field(out, 'V', severity.name());
    field(out, 'C', sqlState);
    field(out, 'M', message);
    if (hint != null) {
      field(out, 'H', hint);
    }
    if (position > 0) {
      field(out, 'P', Integer.toString(position));
    }
    out.writeByte(0);
    end(out, start);
  }

  private static void field(ByteBuf out, char code, String value) {
    out.writeByte(code);
    cstring(out, value);
  }

  /** Writes the type and a length placeholder; returns where the length goes. */
  private static int begin(ByteBuf out, byte type) {
    out.writeByte(type);
    int lengthAt = out.writerIndex();
    out.writeInt(0);
    return lengthAt;
  }

  private static void end(ByteBuf out, int lengthAt) {
    out.setInt(lengthAt, out.writerIndex() - lengthAt);
  }

  /** A C string: UTF-8 bytes and a terminating {@code \0} (NUL characters become U+FFFD). */
  private static void cstring(ByteBuf out, String s) {
    ByteBufUtil.writeUtf8(out, s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD'));
    out.writeByte(0);
  }
}
