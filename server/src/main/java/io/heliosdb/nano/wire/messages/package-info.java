/**
 * The bytes of protocol 3.0: type codes, the frame decoder and the frontend messages it hands on,
 * the encoders of backend messages, and what errors and ReadyForQuery carry (severity, hint,
 * transaction status). Knows no session; may use {@code wire.types} and {@code wire.limits}.
 */
package io.heliosdb.nano.wire.messages;
