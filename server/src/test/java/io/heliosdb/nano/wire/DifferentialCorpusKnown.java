package io.heliosdb.nano.wire;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The statements of the differential corpus whose answers still differ from PostgreSQL 15's, each
 * with its reason and the protocols where it differs; the same list is in docs/server.md
 * ("Differences from PostgreSQL 15").
 */
final class DifferentialCorpusKnown {
  private DifferentialCorpusKnown() {}

  /** How the corpus is run: see {@link DifferentialCorpusTest}. */
  enum Mode {
    SIMPLE,
    EXTENDED,
    PGJDBC,
    PGJDBC_SIMPLE
  }

  private record Known(Set<Mode> modes, String reason) {}

  private static final Set<Mode> ALL = EnumSet.allOf(Mode.class);

  private static final Map<String, Known> KNOWN = new LinkedHashMap<>();

  private static void known(String sql, Set<Mode> modes, String reason) {
    if (KNOWN.put(sql, new Known(modes, reason)) != null) {
      throw new IllegalStateException("listed twice: " + sql);
    }
  }

  /** Why {@code sql} differs in {@code mode}, or null when it must match. */
  static String reason(String sql, Mode mode) {
    Known k = KNOWN.get(sql);
    return k != null && k.modes().contains(mode) ? k.reason() : null;
  }

  /** On the wire, both protocols: the text of values, OIDs, tags (pgjdbc decodes them alike). */
  private static final Set<Mode> WIRE = EnumSet.of(Mode.SIMPLE, Mode.EXTENDED);

  private static final Set<Mode> EXTENDED = EnumSet.of(Mode.EXTENDED, Mode.PGJDBC);

  private static final String INTEGER_IS_INT8 =
      "a column declared INTEGER or SERIAL is int8 (Long) here, int4 (Integer) in PostgreSQL:"
          + " a SQLite integer holds 64 bits whatever its column says";
  private static final String NOT_ADDABLE =
      "0A000: SQLite cannot add a FOREIGN KEY to an existing table (declare it in"
          + " CREATE TABLE)";
  private static final String NUMERIC_SCALE =
      "numeric arithmetic is SQLite's: the result has no scale of its own (PostgreSQL's 2.50 * 3"
          + " is 7.50; pgjdbc's BigDecimal compares equal)";
  private static final String AVG_SCALE =
      "avg is numeric on both; PostgreSQL's has 16 digits of scale (11.0000000000000000)";
  private static final String FRACTIONS_ARE_DOUBLES =
      "a numeric with a fraction is a double in SQLite: 0.1 + 0.2 is 0.30000000000000004";
  private static final String VOID =
      "a function returning void: PostgreSQL sends type void (2278) and an empty value, here"
          + " text and NULL (pg_type's emulation has no void row yet, which pgjdbc's"
          + " getColumnTypeName would look up)";
  private static final String TIME_ZONE =
      "the throw-away cluster's TimeZone is the machine's (Etc/UTC), ours starts as UTC: SET TIME"
          + " ZONE 'UTC' changes nothing here (no ParameterStatus), RESET ALL reports no TimeZone";

  static {
    known(
        "ALTER TABLE order_lines ADD CONSTRAINT fk_lines_order FOREIGN KEY (order_id) REFERENCES"
            + " orders (id)",
        ALL,
        NOT_ADDABLE);
    known(
        "INSERT INTO customers (email, name) VALUES ('ann@example.com', 'Ann') RETURNING id",
        ALL,
        INTEGER_IS_INT8);
    known("SELECT id FROM customers WHERE email = 'cy@example.com'", ALL, INTEGER_IS_INT8);
    known("SELECT 2.50 * 3", WIRE, NUMERIC_SCALE);
    known("SELECT 10.0 / 4", WIRE, NUMERIC_SCALE + "; PostgreSQL's division has 16 digits");
    known("SELECT 0.1 + 0.2", ALL, FRACTIONS_ARE_DOUBLES);
    known("SELECT avg(stock) FROM products", WIRE, AVG_SCALE);
    known("SELECT avg(price) FROM products", WIRE, AVG_SCALE);
    known(
        "SELECT '42'::int4, '7'::int8, '3'::smallint",
        ALL,
        "int2 is reported as int4 (a type this server does not send); the values are the same");
    known(
        "SELECT t.n FROM (SELECT count(*) AS n FROM products) t",
        EXTENDED,
        "a column of a subquery in FROM has no declared type: text in the extended protocol");
    known(
        "SHOW transaction_isolation",
        ALL,
        "SQLite's transactions are serializable: SHOW says so (PostgreSQL's default is read"
            + " committed)");
    known("SELECT pg_notify('orders_channel', 'order 2 paid')", ALL, VOID);
    known("SELECT pg_advisory_lock(42)", ALL, VOID);
    known("SELECT pg_advisory_unlock_all()", ALL, VOID);
    known("SELECT pg_advisory_xact_lock(7)", ALL, VOID);
    known("SET TIME ZONE 'UTC'", WIRE, TIME_ZONE);
    known("RESET ALL", WIRE, TIME_ZONE);
  }
}
