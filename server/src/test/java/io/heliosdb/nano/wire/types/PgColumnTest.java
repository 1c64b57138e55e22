package io.heliosdb.nano.wire.types;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A NUMERIC(p,s) column's values in text format carry its scale, as PostgreSQL's do. */
class PgColumnTest {

  @Test
  void numericColumnsWithAScaleAreSentWithIt() {
    PgColumn price = new PgColumn("price", PgType.NUMERIC).withScaleOf("NUMERIC(10,2)");
    assertThat(price.scale()).isEqualTo(2);
    assertThat(price.encode(5L)).isEqualTo("5.00");
    assertThat(price.encode(19.99)).isEqualTo("19.99");
    assertThat(price.encode(1.005)).isEqualTo("1.01");
    assertThat(price.encode(-0.5)).isEqualTo("-0.50");
    assertThat(price.encode(null)).isNull();
    assertThat(price.encode("n/a")).isEqualTo("n/a");
    assertThat(price.encode(Double.NaN)).isEqualTo(PgType.NUMERIC.encode(Double.NaN));
    assertThat(new PgColumn("n", PgType.NUMERIC).withScaleOf("decimal(5)").encode(2.4))
        .isEqualTo("2");
  }

  @Test
  void otherColumnsKeepTheirValuesAsStored() {
    assertThat(new PgColumn("n", PgType.NUMERIC).withScaleOf("NUMERIC").encode(1.5))
        .isEqualTo("1.5");
    PgColumn text = new PgColumn("t", PgType.TEXT).withScaleOf("NUMERIC(10,2)");
    assertThat(text.scale()).isEqualTo(-1);
    assertThat(text.encode(5L)).isEqualTo("5");
  }
}
