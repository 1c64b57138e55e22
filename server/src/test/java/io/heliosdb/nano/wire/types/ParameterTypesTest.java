package io.heliosdb.nano.wire.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParameterTypesTest {
  private static final int BOOL = 16;
  private static final int BYTEA = 17;
  private static final int INT8 = 20;
  private static final int INT4 = 23;
  private static final int TEXT = 25;
  private static final int FLOAT8 = 701;
  private static final int VARCHAR = 1043;
  private static final int NUMERIC = 1700;
  private static final int TIMESTAMP = 1114;

  private static final Map<String, Map<String, String>> SCHEMA =
      Map.of(
          "items",
          columns(
              "id",
              "INTEGER",
              "name",
              "TEXT",
              "price",
              "REAL",
              "flag",
              "BOOLEAN",
              "data",
              "BLOB",
              "amount",
              "NUMERIC(10,2)",
              "label",
              "VARCHAR(20)",
              "x",
              "",
              "my col",
              "INTEGER",
              "at",
              "TIMESTAMP"),
          "orders",
          columns("id", "INTEGER", "item_id", "BIGINT", "note", "TEXT", "total", "DOUBLE"));

  private static Map<String, String> columns(String... nameType) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < nameType.length; i += 2) {
      m.put(nameType[i], nameType[i + 1]);
    }
    return m;
  }

  private static int[] infer(String sql, int count) {
    return ParameterTypes.infer(
        sql, count, table -> SCHEMA.getOrDefault(table.toLowerCase(), Map.of()));
  }

  @Test
  void comparedWithAColumn() {
    assertThat(infer("SELECT * FROM items WHERE id = $1", 1)).containsExactly(INT8);
    assertThat(infer("SELECT * FROM items WHERE price > $1 AND name <> $2", 2))
        .containsExactly(FLOAT8, TEXT);
    assertThat(infer("SELECT * FROM items WHERE $1 <= id", 1)).containsExactly(INT8);
    assertThat(infer("SELECT * FROM items WHERE flag = $1 OR data = $2", 2))
        .containsExactly(BOOL, BYTEA);
    assertThat(infer("SELECT * FROM items WHERE name NOT LIKE $1", 1)).containsExactly(TEXT);
    assertThat(infer("SELECT * FROM items WHERE amount >= $1", 1)).containsExactly(NUMERIC);
    assertThat(infer("SELECT * FROM items WHERE label = $1 AND at < $2", 2))
        .containsExactly(VARCHAR, TIMESTAMP);
    assertThat(infer("SELECT price * $1 FROM items", 1)).containsExactly(FLOAT8);
  }

  @Test
  void inListsAndBetween() {
    assertThat(infer("SELECT * FROM items WHERE id IN ($1, $2) AND name NOT IN ($3)", 3))
        .containsExactly(INT8, INT8, TEXT);
    assertThat(infer("SELECT * FROM items WHERE price BETWEEN $1 AND $2", 2))
        .containsExactly(FLOAT8, FLOAT8);
  }

  @Test
  void insertAndUpdate() {
    assertThat(infer("INSERT INTO items(name, id, flag) VALUES ($1, $2, $3)", 3))
        .containsExactly(TEXT, INT8, BOOL);
    assertThat(infer("INSERT INTO items (id, price) VALUES ($1, $2), ($3, $4) RETURNING id", 4))
        .containsExactly(INT8, FLOAT8, INT8, FLOAT8);
    assertThat(infer("INSERT INTO items VALUES ($1, $2, $3)", 3))
        .containsExactly(INT8, TEXT, FLOAT8);
    assertThat(infer("INSERT INTO public.items(id) VALUES ($1 )", 1)).containsExactly(INT8);
    assertThat(infer("UPDATE items SET price = $1, flag = $2 WHERE id = $3", 3))
        .containsExactly(FLOAT8, BOOL, INT8);
    assertThat(
            infer(
                "INSERT INTO items(id, name) VALUES ($1, $2)"
                    + " ON CONFLICT(id) DO UPDATE SET price = $3, name = excluded.name || $2",
                3))
        .containsExactly(INT8, TEXT, FLOAT8);
  }

  @Test
  void aliasesJoinsAndQuotedIdentifiers() {
    assertThat(infer("SELECT * FROM items i WHERE i.price = $1", 1)).containsExactly(FLOAT8);
    assertThat(infer("SELECT * FROM items AS i WHERE items.id = $1 OR i.name = $2", 2))
        .containsExactly(0, TEXT); // the table's own name is hidden by its alias, as in PostgreSQL
    assertThat(infer("SELECT * FROM items WHERE items.price = $1", 1)).containsExactly(FLOAT8);
    assertThat(
            infer(
                "SELECT * FROM items i JOIN orders o ON o.item_id = i.id"
                    + " WHERE o.total > $1 AND i.id = $2 AND note = $3 AND o.id = $4",
                4))
        .containsExactly(FLOAT8, INT8, TEXT, INT8);
    assertThat(infer("SELECT * FROM items, orders o WHERE o.item_id = $1", 1))
        .containsExactly(INT8);
    assertThat(infer("SELECT * FROM \"items\" WHERE \"my col\" = $1 AND \"ID\" = $2", 2))
        .containsExactly(INT8, INT8);
    assertThat(
            infer(
                "SELECT * FROM items WHERE id IN (SELECT item_id FROM orders WHERE note = $1)", 1))
        .containsExactly(TEXT);
  }

  @Test
  void nothingTellsIsUnspecified() {
    assertThat(infer("SELECT * FROM items WHERE nope = $1", 1)).containsExactly(0);
    assertThat(infer("SELECT * FROM missing WHERE id = $1", 1)).containsExactly(0);
    assertThat(infer("SELECT * FROM items WHERE x = $1", 1)).containsExactly(0);
    assertThat(infer("SELECT $1, 'a' || $2", 2)).containsExactly(0, 0);
    assertThat(infer("SELECT * FROM items WHERE abs(id) = $1", 1)).containsExactly(0);
    assertThat(infer("SELECT * FROM items WHERE name = '$1' AND id = $1", 1)).containsExactly(INT8);
    assertThat(infer("SELECT 1 WHERE 1 = 1 AND $1", 1)).containsExactly(0);
  }

  @Test
  void limitOffsetCastsAndFunctions() {
    assertThat(infer("SELECT * FROM items LIMIT $1 OFFSET $2", 2)).containsExactly(INT8, INT8);
    assertThat(infer("SELECT $1::int, $2::bigint, $3::float8, $4::text, $5::bool", 5))
        .containsExactly(INT4, INT8, FLOAT8, TEXT, BOOL);
    assertThat(infer("SELECT CAST($1 AS INTEGER), CAST($2 AS double precision)", 2))
        .containsExactly(INT4, FLOAT8);
    assertThat(infer("SELECT $1::pg_catalog.numeric, $2::timestamptz", 2))
        .containsExactly(NUMERIC, 0);
    assertThat(infer("SELECT * FROM items WHERE id = $1::text", 1)).containsExactly(TEXT);
    assertThat(infer("SELECT pg_notify($1, $2)", 2)).containsExactly(TEXT, TEXT);
    assertThat(infer("SELECT pg_advisory_lock($1), pg_try_advisory_lock($2, $3)", 3))
        .containsExactly(INT8, INT4, INT4);
  }

  @Test
  void theFirstInferenceWinsAndNumbersBeyondTheCountAreIgnored() {
    assertThat(infer("SELECT * FROM items WHERE id = $1 OR name = $1", 1)).containsExactly(INT8);
    assertThat(infer("SELECT * FROM items WHERE id = $2", 1)).containsExactly(0);
    assertThat(infer("$1", 1)).containsExactly(0);
  }
}
