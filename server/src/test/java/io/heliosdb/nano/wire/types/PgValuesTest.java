package io.heliosdb.nano.wire.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class PgValuesTest {

  private static Object text(int oid, String value) throws SQLException {
    return PgValues.parameter(oid, false, value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void textParametersAreTypedByTheirDeclaredOid() throws SQLException {
    assertThat(text(PgValues.OID_INT4, " 42 ")).isEqualTo(42L);
    assertThat(text(PgValues.OID_INT8, "-9007199254740993")).isEqualTo(-9007199254740993L);
    assertThat(text(PgValues.OID_FLOAT8, "0.5")).isEqualTo(0.5);
    assertThat(text(PgValues.OID_NUMERIC, "12")).isEqualTo(12L);
    assertThat(text(PgValues.OID_NUMERIC, "1.25")).isEqualTo(1.25);
    assertThat(text(PgValues.OID_BOOL, "true")).isEqualTo(1L);
    assertThat(text(PgValues.OID_BOOL, "f")).isEqualTo(0L);
    assertThat((byte[]) text(PgValues.OID_BYTEA, "\\x00ff")).containsExactly(0, 0xff);
    assertThat(text(PgValues.OID_UNSPECIFIED, "12")).isEqualTo("12");
    assertThat(PgValues.parameter(PgValues.OID_INT4, false, null)).isNull();
  }

  @Test
  void binaryParametersAreReadByTheirDeclaredOid() throws SQLException {
    assertThat(PgValues.parameter(PgValues.OID_INT2, true, new byte[] {0, 7})).isEqualTo(7L);
    assertThat(PgValues.parameter(PgValues.OID_FLOAT4, true, float4(1.1f))).isEqualTo(1.1);
    assertThat(PgValues.parameter(PgValues.OID_BOOL, true, new byte[] {1})).isEqualTo(1L);
    SQLException e =
        catchThrowableOfType(
            SQLException.class,
            () -> PgValues.parameter(PgValues.OID_INT4, true, new byte[] {1, 2}));
    assertThat(e.getSQLState()).isEqualTo("22P03");
    e = catchThrowableOfType(SQLException.class, () -> PgValues.parameter(1184, true, new byte[8]));
    assertThat(e.getSQLState()).isEqualTo("0A000");
  }

  @Test
  void binaryParametersOfTheInferredTypes() throws SQLException {
    assertThat(PgValues.parameter(1082, true, new byte[] {0, 0, 0, 1})).isEqualTo("2000-01-02");
    assertThat(PgValues.parameter(1114, true, ByteBuffer.allocate(8).putLong(1_500_000L).array()))
        .isEqualTo("2000-01-01 00:00:01.5");
    assertThat(PgValues.parameter(1114, true, ByteBuffer.allocate(8).putLong(0).array()))
        .isEqualTo("2000-01-01 00:00:00");
    assertThat(
            PgValues.parameter(2950, true, ByteBuffer.allocate(16).putLong(1).putLong(2).array()))
        .isEqualTo("00000000-0000-0001-0000-000000000002");
    byte[] jsonb = {1, '[', ']'};
    assertThat(PgValues.parameter(3802, true, jsonb)).isEqualTo("[]");
    // numeric: the round trip of the binary result encoding
    assertThat(PgValues.parameter(1700, true, PgValues.binary(PgType.NUMERIC, "-12345.678")))
        .isEqualTo(-12345.678);
    assertThat(PgValues.parameter(1700, true, PgValues.binary(PgType.NUMERIC, 1000000L)))
        .isEqualTo(1000000L);
    assertThat(PgValues.parameter(1700, true, PgValues.binary(PgType.NUMERIC, "0"))).isEqualTo(0L);
  }

  @Test
  void booleanAndIntegerInputAsPostgresReadsIt() throws SQLException {
    for (String t : new String[] {"t", "TRUE", " tr ", "y", "yes", "on", "1"}) {
      assertThat(text(PgValues.OID_BOOL, t)).as(t).isEqualTo(1L);
    }
    for (String f : new String[] {"f", "False", "n", "no", "of", "off", "0"}) {
      assertThat(text(PgValues.OID_BOOL, f)).as(f).isEqualTo(0L);
    }
    for (String bad : new String[] {"o", "", "2", "yess"}) {
      SQLException e = catchThrowableOfType(SQLException.class, () -> text(PgValues.OID_BOOL, bad));
      assertThat(e.getSQLState()).as(bad).isEqualTo("22P02");
    }
    assertThat(text(PgValues.OID_INT8, "+7")).isEqualTo(7L);
    SQLException e = catchThrowableOfType(SQLException.class, () -> text(PgValues.OID_INT8, "abc"));
    assertThat(e.getSQLState()).isEqualTo("22P02");
    assertThat(e.getMessage()).isEqualTo("invalid input syntax for type bigint: \"abc\"");
    e = catchThrowableOfType(SQLException.class, () -> text(PgValues.OID_INT4, "1.5"));
    assertThat(e.getMessage()).isEqualTo("invalid input syntax for type integer: \"1.5\"");
    e = catchThrowableOfType(SQLException.class, () -> text(PgValues.OID_INT4, "3000000000"));
    assertThat(e.getSQLState()).isEqualTo("22003");
    assertThat(e.getMessage()).isEqualTo("value \"3000000000\" is out of range for type integer");
  }

  @Test
  void dateAndTimestampAreCountedFromTheYear2000() throws SQLException {
    assertThat(ByteBuffer.wrap(PgValues.binary(PgType.DATE, "2000-01-02")).getInt()).isEqualTo(1);
    assertThat(ByteBuffer.wrap(PgValues.binary(PgType.DATE, "1999-12-31")).getInt()).isEqualTo(-1);
    assertThat(
            ByteBuffer.wrap(PgValues.binary(PgType.TIMESTAMP, "2000-01-01 00:00:01.5")).getLong())
        .isEqualTo(1_500_000L);
    assertThat(ByteBuffer.wrap(PgValues.binary(PgType.TIMESTAMP, "2000-01-02")).getLong())
        .isEqualTo(86_400_000_000L);
    SQLException e =
        catchThrowableOfType(SQLException.class, () -> PgValues.binary(PgType.DATE, "yesterday"));
    assertThat(e.getSQLState()).isEqualTo("22P02");
  }

  @Test
  void binaryResultsOfNumbersBoolsAndUuids() throws SQLException {
    assertThat(ByteBuffer.wrap(PgValues.binary(PgType.INT8, 5)).getLong()).isEqualTo(5);
    assertThat(ByteBuffer.wrap(PgValues.binary(PgType.FLOAT8, 2L)).getDouble()).isEqualTo(2.0);
    assertThat(PgValues.binary(PgType.BOOL, "t")).containsExactly(1);
    assertThat(PgValues.binary(PgType.UUID, "00000000-0000-0000-0000-0000000000ff"))
        .hasSize(16)
        .endsWith((byte) 0xff);
    assertThat(PgValues.binary(PgType.TEXT, null)).isNull();
    assertThat(PgValues.hasBinary(PgType.NUMERIC)).isTrue();
    assertThat(PgValues.hasBinary(PgType.JSONB)).isFalse();
  }

  private static byte[] float4(float f) {
    return ByteBuffer.allocate(4).putFloat(f).array();
  }

  /** PostgreSQL's checks on a binary numeric parameter: each digit base 10000, a known sign. */
  @Test
  void aBinaryNumericWithABadDigitOrSignIsRefused() {
    byte[] badDigit =
        ByteBuffer.allocate(10)
            .putShort((short) 1)
            .putShort((short) 0)
            .putShort((short) 0)
            .putShort((short) 0)
            .putShort((short) 10000)
            .array();
    SQLException e =
        catchThrowableOfType(
            () -> PgValues.parameter(PgValues.OID_NUMERIC, true, badDigit), SQLException.class);
    assertThat(e.getSQLState()).isEqualTo("22P03");
    assertThat(e.getMessage()).isEqualTo("invalid digit in external \"numeric\" value");
    byte[] badSign =
        ByteBuffer.allocate(10)
            .putShort((short) 1)
            .putShort((short) 0)
            .putShort((short) 0x1234)
            .putShort((short) 0)
            .putShort((short) 7)
            .array();
    e =
        catchThrowableOfType(
            () -> PgValues.parameter(PgValues.OID_NUMERIC, true, badSign), SQLException.class);
    assertThat(e.getSQLState()).isEqualTo("22P03");
    assertThat(e.getMessage()).isEqualTo("invalid sign in external \"numeric\" value");
  }

  @Test
  void numericInBinaryReadsBackThroughPgjdbc() throws SQLException {
    for (Object v :
        new Object[] {
          0L,
          1L,
          -1L,
          10000L,
          123456789012L,
          Long.MIN_VALUE,
          1.5,
          -0.25,
          0.0001,
          1e20,
          12.5e-7,
          "3.14159265358979323846",
          "-1000.00",
          "0.000"
        }) {
      java.math.BigDecimal expected = new java.math.BigDecimal(PgText.of(v));
      java.math.BigDecimal got =
          (java.math.BigDecimal)
              org.postgresql.util.ByteConverter.numeric(PgValues.binary(PgType.NUMERIC, v));
      assertThat(got).as("%s", v).isEqualByComparingTo(expected);
      assertThat(got.scale()).as("%s", v).isEqualTo(Math.max(expected.scale(), 0));
    }
  }

  @Test
  void int4InBinaryRefusesValuesPastItsRange() {
    assertThat(ByteBuffer.wrap(bin(PgType.INT4, 42L)).getInt()).isEqualTo(42);
    SQLException e =
        catchThrowableOfType(
            SQLException.class, () -> PgValues.binary(PgType.INT4, 1L + Integer.MAX_VALUE));
    assertThat(e.getSQLState()).isEqualTo("22003");
  }

  private static byte[] bin(PgType t, Object v) {
    try {
      return PgValues.binary(t, v);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }
}
