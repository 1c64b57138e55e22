package io.heliosdb.nano.http;

import io.heliosdb.nano.HeliosException;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;

/**
 * A request that fails: the status, the message and SQLSTATE of the JSON body {@code {"error":
 * "...", "sqlstate": "..."}}, and headers to add (WWW-Authenticate, Allow).
 */
final class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient HttpResponseStatus status;
  private final String sqlState;
  private final transient Map<String, String> headers;
  private transient com.fasterxml.jackson.databind.JsonNode ref;

  HttpError(HttpResponseStatus status, String message, String sqlState, Map<String, String> h) {
    super(message, null, false, false);
    this.status = status;
    this.sqlState = sqlState;
    this.headers = h;
  }

  HttpError(HttpResponseStatus status, String message, String sqlState) {
    this(status, message, sqlState, Map.of());
  }

  HttpError(HttpResponseStatus status, String message) {
    this(status, message, null, Map.of());
  }

  HttpResponseStatus status() {
    return status;
  }

  /** Null where no SQLSTATE applies (404, 405, ...). */
  String sqlState() {
    return sqlState;
  }

  Map<String, String> headers() {
    return headers;
  }

  /** The {@code ref} of the WebSocket request that failed, to echo in the error (null: none). */
  com.fasterxml.jackson.databind.JsonNode ref() {
    return ref;
  }

  /** Sets the ref of the failed WebSocket request unless one is set; returns this error. */
  HttpError ref(com.fasterxml.jackson.databind.JsonNode requestRef) {
    if (ref == null) {
      ref = requestRef;
    }
    return this;
  }

  /**
   * A failure of the database as HTTP: bad input (classes 22, 42) is 400, a resource or state the
   * server lacks now (08, 53, 54, 55, 57) is 503, anything else 500.
   */
  static HttpError of(HeliosException e) {
    String state = e.sqlState() == null ? "XX000" : e.sqlState();
    HttpResponseStatus status =
        switch (state.substring(0, 2)) {
          case "22", "42" -> HttpResponseStatus.BAD_REQUEST;
          case "08", "53", "54", "55", "57", "25" -> HttpResponseStatus.SERVICE_UNAVAILABLE;
          default -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
        };
    return new HttpError(status, e.getMessage(), state);
  }
}
