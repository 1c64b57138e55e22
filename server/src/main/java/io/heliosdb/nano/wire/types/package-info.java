/**
 * PostgreSQL types and values: the type of a result column (from its declared type, or from the
 * text of a SELECT-list expression), the OIDs tables are reported with, values in text format (as
 * psql shows them) and the extended protocol's parameters and binary results. Uses no other wire
 * package (and core's SQL tokenizer).
 */
package io.heliosdb.nano.wire.types;
