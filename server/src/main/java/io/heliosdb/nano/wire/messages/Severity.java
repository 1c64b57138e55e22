package io.heliosdb.nano.wire.messages;

/** The severities this server sends in ErrorResponse and NoticeResponse. */
public enum Severity {
  FATAL,
  ERROR,
  WARNING,
  NOTICE
}
