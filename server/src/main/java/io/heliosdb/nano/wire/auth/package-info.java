/**
 * Who a client is and how the connection is protected: trust or SCRAM-SHA-256 (verifiers, the
 * exchange, one login's messages) and the TLS context. May use {@code wire.messages}.
 */
package io.heliosdb.nano.wire.auth;
