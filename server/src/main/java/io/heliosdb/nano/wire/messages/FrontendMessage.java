package io.heliosdb.nano.wire.messages;

import java.util.Map;

/** What {@link PgFrameDecoder} hands on: one client message, or the verdict on a broken stream. */
public sealed interface FrontendMessage {

  /** SSLRequest: answered 'N' (no TLS in this version); the client goes on in plain text. */
  record SslRequest() implements FrontendMessage {}

  /** GSSENCRequest: answered 'N' as well. */
  record GssEncRequest() implements FrontendMessage {}

  /** CancelRequest on a connection of its own: cancel the statement of session {@code pid}. */
  record CancelRequest(int pid, int secret) implements FrontendMessage {}

  /**
   * StartupMessage of protocol 3.x with its parameters ({@code user}, {@code database}, {@code
   * application_name}, ... in the order sent).
   */
  record Startup(int minorVersion, Map<String, String> parameters) implements FrontendMessage {}

  /**
   * 'p': PasswordMessage, SASLInitialResponse or SASLResponse; which one depends on the
   * authentication request the server sent, so the body is kept raw.
   */
  record Password(byte[] body) implements FrontendMessage {}

  /** 'Q': a simple query, possibly several statements separated by semicolons. */
  record Query(String sql) implements FrontendMessage {}

  /** 'S': end of an extended-protocol batch. */
  record Sync() implements FrontendMessage {}

  /** 'X': the client is leaving. */
  record Terminate() implements FrontendMessage {}

  /** 'P': prepare {@code sql} as statement {@code name} ("" = unnamed); OID 0 = unspecified. */
  record Parse(String name, String sql, int[] parameterTypes) implements FrontendMessage {}

  /**
   * 'B': bind statement {@code statement} into portal {@code portal} ("" = unnamed). Format codes
   * (0 text, 1 binary) as sent: none means all text, one applies to all; a null value is SQL NULL.
   */
  record Bind(
      String portal,
      String statement,
      short[] parameterFormats,
      byte[][] values,
      short[] resultFormats)
      implements FrontendMessage {}

  /** 'D': describe a statement ({@code kind} 'S') or a portal ('P'). */
  record Describe(byte kind, String name) implements FrontendMessage {}

  /** 'E': run a portal, at most {@code maxRows} rows (0 = all). */
  record Execute(String portal, int maxRows) implements FrontendMessage {}

  /** 'C': close a statement ({@code kind} 'S') or a portal ('P'). */
  record Close(byte kind, String name) implements FrontendMessage {}

  /** 'H': send what is buffered. */
  record Flush() implements FrontendMessage {}

  /** 'F': a fast-path function call; the body has been skipped. */
  record FunctionCall() implements FrontendMessage {}

  /** A type byte that is no frontend message we know (the body has been skipped). */
  record Unknown(byte type) implements FrontendMessage {}

  /**
   * The stream broke the protocol (bad length, oversized message, bad startup packet): answer with
   * a FATAL error and close. The decoder discards everything that follows.
   */
  record ProtocolViolation(String sqlState, String message) implements FrontendMessage {}

  /** Whether {@code m} is for a started session: a query, Sync, an extended-query message. */
  static boolean isSessionMessage(FrontendMessage m) {
    return m instanceof Query
        || m instanceof Sync
        || isExtendedQuery(m)
        || m instanceof FunctionCall;
  }

  /** Whether {@code m} is Parse, Bind, Describe, Execute, Close or Flush. */
  static boolean isExtendedQuery(FrontendMessage m) {
    return m instanceof Parse
        || m instanceof Bind
        || m instanceof Describe
        || m instanceof Execute
        || m instanceof Close
        || m instanceof Flush;
  }

  /** What {@code m} is, for an error message: "message type 121", "Query". */
  static String describe(FrontendMessage m) {
    return m instanceof Unknown u
        ? "message type " + (u.type() & 0xFF)
        : m.getClass().getSimpleName();
  }
}
