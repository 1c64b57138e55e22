/**
 * PostgreSQL types and values: the type of a result column, values in text format (as psql shows
 * them) and the extended protocol's parameters and binary results. Uses no other wire package.
 */
package io.heliosdb.nano.wire.types;
