package io.heliosdb.nano.wire.types;

/** A result column as RowDescription describes it: its label and PostgreSQL type. */
public record PgColumn(String name, PgType type) {}
