package io.heliosdb.nano.wire.types;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Column types from declared types and values; text encoding as PostgreSQL writes it. */
class PgTypeTest {

  @ParameterizedTest
  @CsvSource({
    "INTEGER, INT8",
    "BIGINT, INT8",
    "TINYINT, INT8",
    "REAL, FLOAT8",
    "DOUBLE PRECISION, FLOAT8",
    "FLOAT, FLOAT8",
    "TEXT, TEXT",
    "CLOB, TEXT",
    "CHARACTER, TEXT",
    "VARCHAR, VARCHAR",
    "CHARACTER VARYING, VARCHAR",
    "BLOB, BYTEA",
    "NUMERIC, NUMERIC",
    "DECIMAL, NUMERIC",
    "BOOLEAN, BOOL",
    "DATE, DATE",
    "DATETIME, TIMESTAMP",
    "TIMESTAMP, TIMESTAMP",
    "JSON, JSON",
    "uuid, UUID",
    "JSONB, JSONB",
    "CHAR(3), BPCHAR",
    "VARCHAR(20), VARCHAR",
    "'NUMERIC(10,2)', NUMERIC"
  })
  void declaredTypesFollowSqliteAffinityWithPostgresNames(String declared, PgType expected) {
    assertThat(PgType.forColumn(declared, 1)).isEqualTo(expected);
  }

  @Test
  void withoutADeclaredTypeTheFirstValueDecides() {
    assertThat(PgType.forColumn(null, 5)).isEqualTo(PgType.INT8);
    assertThat(PgType.forColumn("", 5L)).isEqualTo(PgType.INT8);
    assertThat(PgType.forColumn(null, 2.5)).isEqualTo(PgType.FLOAT8);
    assertThat(PgType.forColumn(null, new byte[] {1})).isEqualTo(PgType.BYTEA);
    assertThat(PgType.forColumn(null, "x")).isEqualTo(PgType.TEXT);
    assertThat(PgType.forColumn(null, null)).isEqualTo(PgType.TEXT);
    // sqlite-jdbc's name for an undeclared column whose value is NULL
    assertThat(PgType.forColumn("NUMERIC", null)).isEqualTo(PgType.TEXT);
    assertThat(PgType.forColumn("STRING", "s")).isEqualTo(PgType.TEXT);
  }

  @Test
  void valuesEncodeAsPostgresTextFormat() {
    assertThat(PgType.BOOL.encode(1)).isEqualTo("t");
    assertThat(PgType.BOOL.encode(0)).isEqualTo("f");
    assertThat(PgType.BOOL.encode("true")).isEqualTo("t");
    assertThat(PgType.BOOL.encode("maybe")).isEqualTo("maybe");
    assertThat(PgType.BOOL.encode(null)).isNull();
    assertThat(PgType.BYTEA.encode(new byte[] {0, (byte) 0xff})).isEqualTo("\\x00ff");
    assertThat(PgType.UUID.encode(new byte[16])).isEqualTo("00000000-0000-0000-0000-000000000000");
    assertThat(PgType.INT8.encode(42)).isEqualTo("42");
    assertThat(PgType.TEXT.encode("é")).isEqualTo("é");
  }

  @ParameterizedTest
  @CsvSource({
    "12.0, 12",
    "0.5, 0.5",
    "0.1, 0.1",
    "-2.5, -2.5",
    "1e15, 1e+15",
    "1e-5, 1e-05",
    "1e-4, 0.0001",
    "123456789012345.0, 123456789012345",
    "-2.5e20, -2.5e+20",
    "1.7976931348623157e308, 1.7976931348623157e+308",
    "0.0, 0",
    "-0.0, -0"
  })
  void float8MatchesPostgresShortestOutput(double value, String text) {
    assertThat(PgText.float8(value)).isEqualTo(text);
  }

  @Test
  void specialFloatsAreSpelledAsPostgresDoes() {
    assertThat(PgText.float8(Double.NaN)).isEqualTo("NaN");
    assertThat(PgText.float8(Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
    assertThat(PgText.float8(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
  }
}
