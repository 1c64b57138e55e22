package io.heliosdb.nano.wire.messages;

/**
 * The type bytes of the PostgreSQL frontend/backend protocol 3.0 and the codes of the untyped
 * startup packets. Names instead of char literals everywhere else.
 */
public final class MessageTypes {
  private MessageTypes() {}

  // Startup packets: int32 length, int32 code, body. No type byte.

  /** Protocol 3.0 in a StartupMessage: major version 3 in the high 16 bits, minor 0. */
  public static final int PROTOCOL_3_0 = 196608;

  /** SSLRequest: 1234 in the high 16 bits, 5679 in the low. */
  public static final int SSL_REQUEST = 80877103;

  /** GSSENCRequest: 1234 in the high 16 bits, 5680 in the low. */
  public static final int GSSENC_REQUEST = 80877104;

  /** CancelRequest: 1234 in the high 16 bits, 5678 in the low; then int32 pid, int32 secret. */
  public static final int CANCEL_REQUEST = 80877102;

  // Frontend (client to server) message types.

  public static final byte BIND = 'B';
  public static final byte CLOSE = 'C';
  public static final byte COPY_DATA = 'd';
  public static final byte COPY_DONE = 'c';
  public static final byte COPY_FAIL = 'f';
  public static final byte DESCRIBE = 'D';
  public static final byte EXECUTE = 'E';
  public static final byte FLUSH = 'H';
  public static final byte FUNCTION_CALL = 'F';
  public static final byte PARSE = 'P';

  /** PasswordMessage, SASLInitialResponse, SASLResponse, GSSResponse share 'p'. */
  public static final byte PASSWORD_MESSAGE = 'p';

  public static final byte QUERY = 'Q';
  public static final byte SYNC = 'S';
  public static final byte TERMINATE = 'X';

  // Backend (server to client) message types.

  /** AuthenticationOk and the other Authentication* requests. */
  public static final byte AUTHENTICATION = 'R';

  public static final byte BIND_COMPLETE = '2';
  public static final byte CLOSE_COMPLETE = '3';
  public static final byte NO_DATA = 'n';
  public static final byte PARAMETER_DESCRIPTION = 't';
  public static final byte PARSE_COMPLETE = '1';
  public static final byte PORTAL_SUSPENDED = 's';

  public static final byte BACKEND_KEY_DATA = 'K';
  public static final byte COMMAND_COMPLETE = 'C';
  public static final byte DATA_ROW = 'D';
  public static final byte EMPTY_QUERY_RESPONSE = 'I';
  public static final byte ERROR_RESPONSE = 'E';
  public static final byte NEGOTIATE_PROTOCOL_VERSION = 'v';
  public static final byte NOTICE_RESPONSE = 'N';
  public static final byte NOTIFICATION_RESPONSE = 'A';
  public static final byte PARAMETER_STATUS = 'S';
  public static final byte READY_FOR_QUERY = 'Z';
  public static final byte ROW_DESCRIPTION = 'T';

  /** Describe and Close: the target is a prepared statement. */
  public static final byte KIND_STATEMENT = 'S';

  /** Describe and Close: the target is a portal. */
  public static final byte KIND_PORTAL = 'P';

  /** The one-byte answer to SSLRequest and GSSENCRequest: not supported, go on in plain text. */
  public static final byte ENCRYPTION_REFUSED = 'N';

  public static final byte ENCRYPTION_ACCEPTED = 'S';
}
