package io.heliosdb.nano.wire;

import io.heliosdb.nano.wire.sql.QuickStatements;
import io.heliosdb.nano.wire.types.PgColumn;
import java.sql.PreparedStatement;
import java.util.List;

/**
 * A statement of the extended protocol after Parse. {@code ps} is null for an empty or text-only
 * one (SET, SHOW, LISTEN...); {@code columns} null when it returns no rows. {@code heldBytes} is
 * what it took from {@link PreparedMemory}, given back when it is closed. {@code quick} says
 * whether it may take the short path ({@link QuickStatements}).
 */
record PreparedQuery(
    String sql,
    String verb,
    int[] parameterTypes,
    int usedParameters,
    PreparedStatement ps,
    List<PgColumn> columns,
    long heldBytes,
    QuickStatements.Kind quick) {}
