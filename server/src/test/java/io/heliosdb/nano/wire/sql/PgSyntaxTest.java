package io.heliosdb.nano.wire.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.heliosdb.nano.error.HeliosSqlException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 13 item 4: PostgreSQL syntax written for SQLite, on tokens. */
class PgSyntaxTest {
  private static String tr(String sql) throws HeliosSqlException {
    return PgSyntax.translate(sql);
  }

  private static String state(String sql) {
    return catchThrowableOfType(() -> tr(sql), HeliosSqlException.class).getSQLState();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT 1",
        "SELECT 'a::int', \"b::text\", $$c::int now() public.t$$ -- d::int",
        "SELECT /* x::int ILIKE */ 1",
        "SELECT $tag$ it's ::int $tag$, E'it\\'s ::int'",
        "INSERT INTO t VALUES ('public.x', 'now()', 'CURRENT_TIMESTAMP ~~ ILIKE')",
        "SELECT \"public\".\"x\" FROM \"Public\".t", // quoted "Public" is another schema
        "SELECT public FROM t",
        "UPDATE t SET x = $1 WHERE y = $2",
        "SELECT CAST(x AS unsigned big int) FROM t",
      })
  void leavesAloneWhatItDoesNotTranslate(String sql) throws Exception {
    String expected = sql.replace("SELECT \"public\".\"x\"", "SELECT \"x\"");
    assertThat(tr(sql)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "SELECT x::text FROM t|SELECT CAST(x AS TEXT) FROM t",
        "SELECT 'x'::text|SELECT CAST('x' AS TEXT)",
        "SELECT $1::int|SELECT CAST($1 AS INTEGER)",
        "SELECT $1::int8, $2::bigint|SELECT CAST($1 AS INTEGER), CAST($2 AS INTEGER)",
        "SELECT '5'::int8|SELECT CAST('5' AS INTEGER)",
        "SELECT a + b::int|SELECT a + CAST(CASE WHEN typeof(b) = 'real' THEN round(b) ELSE b END AS INTEGER)",
        "SELECT a + 2::int|SELECT a + CAST(2 AS INTEGER)",
        "SELECT -1::int|SELECT -CAST(1 AS INTEGER)",
        "SELECT 1.5::int|SELECT CAST(round(1.5) AS INTEGER)",
        "SELECT 1.5e-1::float8|SELECT CAST(1.5e-1 AS REAL)",
        "SELECT .5::real|SELECT CAST(.5 AS REAL)",
        "SELECT t.c::varchar(3) FROM t|SELECT substr(CAST(t.c AS TEXT), 1, 3) FROM t",
        "SELECT \"T\".\"c\"::text|SELECT CAST(\"T\".\"c\" AS TEXT)",
        "SELECT x::double precision|SELECT CAST(x AS REAL)",
        "SELECT x::numeric(10,2)|SELECT round(CAST(x AS NUMERIC), 2)",
        "SELECT x::decimal|SELECT CAST(x AS NUMERIC)",
        "SELECT x::pg_catalog.int4|SELECT CAST(CASE WHEN typeof(x) = 'real' THEN round(x) ELSE x END AS INTEGER)",
        "SELECT x::text::int|SELECT CAST(CAST(x AS TEXT) AS INTEGER)",
        "SELECT (a + b)::text|SELECT CAST(a + b AS TEXT)",
        "SELECT ((a + (b)))::text|SELECT CAST(a + (b) AS TEXT)",
        "SELECT count(*)::int4 FROM t|SELECT CAST(CASE WHEN typeof(count(*)) = 'real' THEN round(count(*)) ELSE count(*) END AS INTEGER) FROM t",
        "SELECT random()::int|SELECT CAST(random() AS INTEGER)",
        "SELECT coalesce(f(a), 0)::text|SELECT CAST(coalesce(f(a), 0) AS TEXT)",
        "SELECT CASE WHEN a THEN 1 ELSE 2 END::text|SELECT CAST(CASE WHEN a THEN 1 ELSE 2 END AS TEXT)",
        "SELECT '2026-12-04 18:00:00'::timestamp|SELECT CAST('2026-12-04 18:00:00' AS TEXT)",
        "SELECT x::timestamp with time zone|SELECT CAST(x AS TEXT)",
        "SELECT '1 day'::interval day|SELECT CAST('1 day' AS TEXT)",
        "SELECT x::uuid, y::jsonb|SELECT CAST(x AS TEXT), CAST(y AS TEXT)",
        "SELECT 'true'::bool, 'f'::boolean|SELECT 1, 0",
        "SELECT '\\x0aff'::bytea|SELECT X'0aff'",
        "SELECT E'\\\\x0aff'::bytea|SELECT X'0aff'",
        "SELECT 'ab'::bytea|SELECT X'6162'",
        "SELECT CAST(1.5 AS INTEGER)|SELECT CAST(round(1.5) AS INTEGER)",
        "SELECT CAST(x AS int4)|SELECT CAST(CASE WHEN typeof(x) = 'real' THEN round(x) ELSE (x) END AS INTEGER)",
        "SELECT CAST(x AS boolean)|SELECT (CASE WHEN (x) IS NULL THEN NULL WHEN typeof(x) IN ('integer', 'real') THEN (x) <> 0 ELSE lower(trim(x)) IN ('t', 'true', 'y', 'yes', 'on', '1') END)",
        "SELECT CAST(CAST(x AS varchar) AS bigint)|SELECT CAST(CAST(x AS TEXT) AS INTEGER)",
        "SELECT 'x'::regclass|SELECT 'x'::regclass",
        "SELECT ?1::int|SELECT CAST(?1 AS INTEGER)",
        "SELECT \"a::b\"::text, '$1::x'::text, $1::text -- c::int|SELECT CAST(\"a::b\" AS TEXT), CAST('$1::x' AS TEXT), CAST($1 AS TEXT) -- c::int",
        "SELECT $$a::b$$::text /* x::int */|SELECT CAST($$a::b$$ AS TEXT) /* x::int */",
        "SELECT f(g(a::int)::text)::varchar(2)|SELECT substr(CAST(f(CAST(g(CAST(CASE WHEN typeof(a) = 'real' THEN round(a) ELSE a END AS INTEGER)) AS TEXT)) AS TEXT), 1, 2)",
        "SELECT (a::text + 'x')::text|SELECT CAST(CAST(a AS TEXT) + 'x' AS TEXT)",
        "SELECT 'x'::regclass::oid|SELECT CAST(CASE WHEN typeof('x'::regclass) = 'real' THEN round('x'::regclass) ELSE 'x'::regclass END AS INTEGER)",
        "SELECT x::\"char\", x::character varying(5)|SELECT CAST(x AS TEXT), substr(CAST(x AS TEXT), 1, 5)",
      })
  void casts(String pg, String sqlite) throws Exception {
    assertThat(tr(pg)).isEqualTo(sqlite);
  }

  @Test
  void badCasts() {
    assertThat(state("SELECT ARRAY[1, 2]::int[]")).isEqualTo("0A000");
    assertThat(state("SELECT x::int[] FROM t")).isEqualTo("0A000");
    assertThat(state("SELECT x::nosuchtype")).isEqualTo("42704");
    assertThat(state("SELECT 'maybe'::bool")).isEqualTo("22P02");
    assertThat(state("SELECT 'zz'::bytea".replace("zz", "\\xzz"))).isEqualTo("22P02");
    assertThat(state("::int")).isEqualTo("42601");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "CREATE TABLE t (id SERIAL PRIMARY KEY, x text)|CREATE TABLE t (id INTEGER PRIMARY KEY, x text)",
        "CREATE TABLE t (id BIGSERIAL NOT NULL, x text, PRIMARY KEY (id))|CREATE TABLE t (id INTEGER NOT NULL, x text, PRIMARY KEY (id))",
        "CREATE TABLE IF NOT EXISTS public.t (x text, \"Id\" smallserial, CONSTRAINT pk PRIMARY KEY (\"Id\"))|CREATE TABLE IF NOT EXISTS t (x text, \"Id\" INTEGER, CONSTRAINT pk PRIMARY KEY (\"Id\"))",
        "CREATE TABLE t (serial text, x serial4 primary key)|CREATE TABLE t (serial text, x INTEGER primary key)",
      })
  void serials(String pg, String sqlite) throws Exception {
    assertThat(tr(pg)).isEqualTo(sqlite);
  }

  @Test
  void aSerialThatIsNotThePrimaryKeyIsRefused() {
    assertThat(state("CREATE TABLE t (id int PRIMARY KEY, n serial)")).isEqualTo("0A000");
    assertThat(state("CREATE TABLE t (a serial, b int, PRIMARY KEY (a, b))")).isEqualTo("0A000");
    assertThat(state("ALTER TABLE t ADD COLUMN n serial")).isEqualTo("0A000");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "SELECT * FROM public.t|SELECT * FROM t",
        "CREATE INDEX i ON \"public\".\"t\" (x)|CREATE INDEX i ON \"t\" (x)",
        "SELECT public.t.x FROM public.t|SELECT t.x FROM t",
        "SELECT now()|SELECT " + PgSyntax.NOW,
        "CREATE TABLE t (at timestamptz DEFAULT now())|CREATE TABLE t (at timestamptz DEFAULT "
            + PgSyntax.NOW
            + ")",
        "SELECT CURRENT_TIMESTAMP, current_timestamp(3)|SELECT "
            + PgSyntax.NOW
            + ", "
            + PgSyntax.NOW,
        "SELECT LOCALTIMESTAMP|SELECT (strftime('%Y-%m-%d %H:%M:%f', 'now'))",
        "SELECT CURRENT_DATE|SELECT CURRENT_DATE",
        "SELECT x.now() FROM t|SELECT x.now() FROM t",
        "SELECT a ILIKE 'x%', b NOT ILIKE 'y'|SELECT a LIKE 'x%', b NOT LIKE 'y'",
        "SELECT a ~~ 'x', a ~~* 'x', a !~~ 'x', a !~~* 'x'|SELECT a  LIKE  'x', a  LIKE  'x', a  NOT LIKE  'x', a  NOT LIKE  'x'",
      })
  void schemaTimeAndLike(String pg, String sqlite) throws Exception {
    assertThat(tr(pg)).isEqualTo(sqlite);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "ALTER TABLE t ADD CONSTRAINT t_x UNIQUE (x, y)|CREATE UNIQUE INDEX t_x ON t (x, y)",
        "ALTER TABLE ONLY \"public\".\"t\" ADD UNIQUE (x)|CREATE UNIQUE INDEX \"t_x_key\" ON \"t\" (x)",
        "ALTER TABLE \"public\".\"h\" ADD CONSTRAINT \"h_pk\" PRIMARY KEY (\"rank\")|CREATE UNIQUE INDEX \"h_pk\" ON \"h\" (\"rank\")",
        "ALTER TABLE t ADD PRIMARY KEY (a, b)|CREATE UNIQUE INDEX \"t_pkey\" ON t (a, b)",
        "ALTER TABLE t ADD COLUMN x text|ALTER TABLE t ADD COLUMN x text",
        "ALTER TABLE t ADD x text|ALTER TABLE t ADD x text",
      })
  void addConstraint(String pg, String sqlite) throws Exception {
    assertThat(tr(pg)).isEqualTo(sqlite);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ALTER TABLE t ADD CONSTRAINT t_pk PRIMARY KEY (id) DEFERRABLE",
        "ALTER TABLE t ADD FOREIGN KEY (a) REFERENCES u (id)",
        "ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0)",
        "ALTER TABLE t ADD CONSTRAINT u UNIQUE (x) DEFERRABLE",
      })
  void constraintsSqliteCannotAddAreRefused(String sql) {
    HeliosSqlException e = catchThrowableOfType(() -> tr(sql), HeliosSqlException.class);
    assertThat(e.getSQLState()).isEqualTo("0A000");
    assertThat(e.getMessage()).contains("ADD CONSTRAINT");
  }

  /** Any text: a translation or a HeliosSqlException, never another exception. */
  @Test
  void arbitraryTokenSoupNeverBreaksTheTranslator() {
    String[] parts = {
      "::",
      ":",
      "int",
      "(",
      ")",
      "[",
      "]",
      "'a'",
      "\"b\"",
      "$1",
      "$$",
      "E'\\'",
      "CASE",
      "END",
      "CAST",
      "AS",
      "ALTER",
      "TABLE",
      "ADD",
      "CONSTRAINT",
      "UNIQUE",
      "CREATE",
      "serial",
      ",",
      "PRIMARY",
      "KEY",
      "public",
      ".",
      "now",
      "ILIKE",
      "~",
      "~~",
      "!",
      "*",
      "1",
      "-",
      "e",
      "ARRAY",
      "numeric",
      "double",
      "--",
      "/*",
      ";",
      " "
    };
    java.util.Random random = new java.util.Random(13);
    for (int n = 0; n < 20_000; n++) {
      StringBuilder b = new StringBuilder();
      for (int k = random.nextInt(12); k >= 0; k--) {
        b.append(parts[random.nextInt(parts.length)]).append(random.nextBoolean() ? " " : "");
      }
      String sql = b.toString();
      try {
        tr(sql);
      } catch (HeliosSqlException expected) {
        // fine: a PostgreSQL error
      } catch (RuntimeException e) {
        throw new AssertionError("on: " + sql, e);
      }
    }
  }
}
