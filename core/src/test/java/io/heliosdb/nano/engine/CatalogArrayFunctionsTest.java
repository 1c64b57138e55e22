package io.heliosdb.nano.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's text forms of arrays and type names, as the catalog emulation's functions read them.
 */
class CatalogArrayFunctionsTest {

  @Test
  void arraysCountFromOneAndVectorsFromZero() {
    assertThat(CatalogFunctions.elements("{1,2, 3}")).containsExactly("1", "2", "3");
    assertThat(CatalogFunctions.lowerBound("{1,2}")).isEqualTo(1);
    assertThat(CatalogFunctions.elements("2 1")).containsExactly("2", "1");
    assertThat(CatalogFunctions.lowerBound("2 1")).isZero();
    assertThat(CatalogFunctions.elements("{}")).isEmpty();
    assertThat(CatalogFunctions.elements("")).isEmpty();
    assertThat(CatalogFunctions.elements(null)).isNull();
  }

  @Test
  void typeNamesAsPostgresPrintsThem() {
    assertThat(CatalogArrayFunctions.formatType(20, -1)).isEqualTo("bigint");
    assertThat(CatalogArrayFunctions.formatType(1043, 44)).isEqualTo("character varying(40)");
    assertThat(CatalogArrayFunctions.formatType(1043, -1)).isEqualTo("character varying");
    assertThat(CatalogArrayFunctions.formatType(1700, (10 << 16 | 2) + 4))
        .isEqualTo("numeric(10,2)");
    assertThat(CatalogArrayFunctions.formatType(1007, -1)).isEqualTo("integer[]");
    assertThat(CatalogArrayFunctions.formatType(1114, -1)).isEqualTo("timestamp without time zone");
    assertThat(CatalogArrayFunctions.formatType(99999, -1)).isEqualTo("???");
  }
}
