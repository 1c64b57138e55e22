package io.heliosdb.nano.wire.types;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * The OID a table is reported with (RowDescription's table OID, and pg_class.oid of the catalog
 * emulation, which must use this same rule): {@code 16384 + CRC-32(lower-case name) mod
 * 2147467264}, so always in PostgreSQL's range of user OIDs (16384 and up) and below 2^31 (drivers
 * read OIDs as signed int32). Derived from the name alone, so stable across connections, restarts
 * and VACUUM (which may renumber sqlite_schema's rowids and root pages); a renamed table gets a new
 * OID, where PostgreSQL keeps it.
 */
public final class TableOids {
  /** PostgreSQL's first OID for user objects (FirstNormalObjectId). */
  public static final int FIRST_USER_OID = 16384;

  private TableOids() {}

  /** The OID of the table named {@code table} (any case). */
  public static int of(String table) {
    CRC32 crc = new CRC32();
    crc.update(table.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    return FIRST_USER_OID + (int) (crc.getValue() % (Integer.MAX_VALUE - FIRST_USER_OID + 1L));
  }
}
