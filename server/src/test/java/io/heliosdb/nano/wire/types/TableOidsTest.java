package io.heliosdb.nano.wire.types;

import static org.assertj.core.api.Assertions.assertThat;

import io.heliosdb.nano.HeliosDB;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The table OID rule is written twice: here for RowDescription, and in core's catalog function
 * {@code heliosdb_table_oid()} behind pg_class (the server cannot reach the engine). They must
 * agree, or pgjdbc's metadata query finds no table for a column.
 */
class TableOidsTest {

  @Test
  void rowDescriptionAndPgClassGiveATableTheSameOid() {
    try (HeliosDB db = HeliosDB.inMemory()) {
      for (String name :
          List.of("orders", "Orders", "workflow_log", "ünïcode", "a", "x".repeat(60))) {
        Object oid = db.query("SELECT heliosdb_table_oid(?) AS oid", name).get(0).get("oid");
        assertThat(((Number) oid).intValue()).as(name).isEqualTo(TableOids.of(name));
      }
    }
  }

  @Test
  void oidsAreUserOidsAndIgnoreCase() {
    assertThat(TableOids.of("orders")).isEqualTo(TableOids.of("ORDERS"));
    assertThat(TableOids.of("orders")).isGreaterThanOrEqualTo(TableOids.FIRST_USER_OID);
  }
}
