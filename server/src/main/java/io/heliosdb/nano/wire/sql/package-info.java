/**
 * What PostgreSQL clients send that SQLite does not read, handled before a statement reaches it:
 * PostgreSQL syntax drivers and ORMs generate (casts, SERIAL, the public schema, now(), ILIKE, ADD
 * CONSTRAINT: {@link io.heliosdb.nano.wire.sql.PgSyntax}), catalog queries, value keywords, and
 * which statements may run on the event loop. May use {@code wire.types} and {@code wire.messages}
 * (for its errors).
 */
package io.heliosdb.nano.wire.sql;
