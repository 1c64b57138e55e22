package io.heliosdb.nano.wire;

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

  /** 'Q': a simple query, possibly several statements separated by semicolons. */
  record Query(String sql) implements FrontendMessage {}

  /** 'S': end of an extended-protocol batch. */
  record Sync() implements FrontendMessage {}

  /** 'X': the client is leaving. */
  record Terminate() implements FrontendMessage {}

  /** Parse, Bind, Describe, Execute, Close or Flush; the body has been skipped. */
  record ExtendedQuery(byte type) implements FrontendMessage {}

  /** 'F': a fast-path function call; the body has been skipped. */
  record FunctionCall() implements FrontendMessage {}

  /** A type byte that is no frontend message we know (the body has been skipped). */
  record Unknown(byte type) implements FrontendMessage {}

  /**
   * The stream broke the protocol (bad length, oversized message, bad startup packet): answer with
   * a FATAL error and close. The decoder discards everything that follows.
   */
  record ProtocolViolation(String sqlState, String message) implements FrontendMessage {}
}
