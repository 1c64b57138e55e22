package io.heliosdb.nano.wire.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** A NUMERIC(p,s) column's values carry s digits after the point, as PostgreSQL returns them. */
class PgColumnTest {
  private static PgColumn column(PgType type, String declared) {
    return new PgColumn("c", type, 1, (short) 1).withScaleOf(declared);
  }

  @Test
  void numericWithAScaleIsPaddedAndRounded() {
    PgColumn c = column(PgType.NUMERIC, "numeric(10, 2)");
    assertThat(c.scale()).isEqualTo(2);
    assertThat(c.value(12.5)).isEqualTo(new BigDecimal("12.50"));
    assertThat(c.value(3L)).isEqualTo(new BigDecimal("3.00"));
    assertThat(c.value(-0.125)).isEqualTo(new BigDecimal("-0.13")); // half away from zero
    assertThat(PgType.NUMERIC.encode(c.value(1e15))).isEqualTo("1000000000000000.00");
    assertThat(column(PgType.NUMERIC, "DECIMAL(5,0)").value(2.5)).isEqualTo(new BigDecimal("3"));
    // NUMERIC(p) has scale 0, as in PostgreSQL
    assertThat(column(PgType.NUMERIC, "NUMERIC(10)").value(12.5)).isEqualTo(new BigDecimal("13"));
  }

  @Test
  void textFormatCarriesTheScaleWithoutAnExponent() {
    PgColumn price = column(PgType.NUMERIC, "NUMERIC(10,2)");
    assertThat(price.encode(5L)).isEqualTo("5.00");
    assertThat(price.encode(19.99)).isEqualTo("19.99");
    assertThat(price.encode(1.005)).isEqualTo("1.01");
    assertThat(price.encode(-0.5)).isEqualTo("-0.50");
    assertThat(price.encode(null)).isNull();
    assertThat(price.encode("n/a")).isEqualTo("n/a");
    assertThat(price.encode(Double.NaN)).isEqualTo(PgType.NUMERIC.encode(Double.NaN));
    assertThat(column(PgType.NUMERIC, "NUMERIC(20,10)").encode(1e-7)).isEqualTo("0.0000001000");
    assertThat(column(PgType.NUMERIC, "decimal(5)").encode(2.4)).isEqualTo("2");
  }

  @Test
  void otherValuesAndColumnsAreLeftAsTheyAre() {
    PgColumn c = column(PgType.NUMERIC, "NUMERIC(10,2)");
    assertThat(c.value(null)).isNull();
    assertThat(c.value("n/a")).isEqualTo("n/a"); // SQLite stores what it is given
    assertThat(c.value(Double.NaN)).isEqualTo(Double.NaN);
    assertThat(column(PgType.NUMERIC, "NUMERIC").value(12.5)).isEqualTo(12.5);
    assertThat(column(PgType.NUMERIC, "NUMERIC(10, 99999)").value(12.5)).isEqualTo(12.5);
    assertThat(column(PgType.FLOAT8, "REAL").value(12.5)).isEqualTo(12.5);
    assertThat(new PgColumn("e", PgType.NUMERIC).value(12.5)).isEqualTo(12.5);
    PgColumn text = column(PgType.TEXT, "NUMERIC(10,2)");
    assertThat(text.scale()).isEqualTo(-1);
    assertThat(text.encode(5L)).isEqualTo("5");
  }
}
