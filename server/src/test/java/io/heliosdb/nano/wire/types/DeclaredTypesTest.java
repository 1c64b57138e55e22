package io.heliosdb.nano.wire.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The emulated pg_attribute types a column as RowDescription does: the SQL the catalog runs in
 * SQLite gives, for every declared type, the OID {@link PgType#forDeclared} gives (text's where it
 * gives none).
 */
class DeclaredTypesTest {
  private static final List<String> DECLARED =
      List.of(
          "BOOLEAN",
          "bool",
          "TIMESTAMP",
          "timestamp with time zone",
          "DATETIME",
          "DATE",
          "JSONB",
          "json",
          "UUID",
          "INTEGER",
          "BIGINT",
          "smallint",
          "int8",
          "VARCHAR(40)",
          "character varying",
          "CHAR(3)",
          "character(10)",
          "bpchar",
          "CHAR",
          "NCHAR(5)",
          "CLOB",
          "TEXT",
          "BLOB",
          "bytea",
          "REAL",
          "FLOAT",
          "DOUBLE PRECISION",
          "NUMERIC(10,2)",
          "DECIMAL",
          "",
          "anything",
          "POINT");

  @Test
  void theCatalogsSqlAndTheResultTypesAgreeOnEveryDeclaredType() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
        PreparedStatement ps =
            c.prepareStatement("SELECT " + DeclaredTypes.oidSql("d") + " FROM (SELECT ? AS d)")) {
      for (String declared : DECLARED) {
        ps.setString(1, declared);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          PgType type = PgType.forDeclared(declared);
          assertThat(rs.getInt(1))
              .as(declared)
              .isEqualTo(type == null ? PgType.TEXT.oid() : type.oid());
        }
      }
    }
    assertThat(PgType.forDeclared("CHAR(3)")).isEqualTo(PgType.BPCHAR);
    assertThat(PgType.forDeclared("anything")).isNull();
  }
}
