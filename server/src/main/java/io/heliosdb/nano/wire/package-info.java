/**
 * The PostgreSQL wire server: {@link io.heliosdb.nano.wire.WireServer}, the per-connection handler
 * and session, the simple and extended query flows (statements, portals, what they may keep), the
 * session's settings and housekeeping statements, and the {@code [server]} configuration. Uses its
 * subpackages; none of them uses this package.
 */
package io.heliosdb.nano.wire;
