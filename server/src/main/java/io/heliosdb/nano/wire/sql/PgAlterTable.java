package io.heliosdb.nano.wire.sql;

import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.session.SqlTokens;
import io.heliosdb.nano.session.SqlTokens.Token;
import io.heliosdb.nano.wire.messages.HintedSqlException;
import java.util.List;
import java.util.Locale;

/**
 * {@code ALTER TABLE t ADD [CONSTRAINT name] ...}: a UNIQUE constraint becomes {@code CREATE UNIQUE
 * INDEX name ON t (cols)} (named {@code t_col_key} as PostgreSQL names it when the statement does
 * not), and so does a PRIMARY KEY (named {@code t_pkey}), which SQLite cannot add to an existing
 * table: Flyway adds the key of its history table so, after CREATE TABLE. The constraints SQLite
 * cannot add at all (FOREIGN KEY, CHECK, EXCLUDE), and an added SERIAL column, are 0A000 naming the
 * clause.
 */
final class PgAlterTable {
  private static final String HINT =
      "SQLite cannot add this constraint to an existing table: declare it in CREATE TABLE.";

  private PgAlterTable() {}

  static String rewrite(String sql) throws HeliosSqlException {
    List<Token> t = SqlTokens.ofPostgres(sql);
    if (t.size() < 4 || !t.get(0).isWord("ALTER") || !t.get(1).isWord("TABLE")) {
      return sql;
    }
    int i = 2;
    if (t.get(i).isWord("IF") && i + 1 < t.size() && t.get(i + 1).isWord("EXISTS")) {
      i += 2;
    }
    if (i < t.size() && t.get(i).isWord("ONLY")) {
      i++;
    }
    int tableStart = i;
    while (i + 2 < t.size() && t.get(i + 1).is('.')) {
      i += 2;
    }
    int tableEnd = i; // the table name's last token
    i++;
    if (i >= t.size() || !t.get(i).isWord("ADD")) {
      return sql;
    }
    i++;
    String name = null;
    if (i + 1 < t.size() && t.get(i).isWord("CONSTRAINT")) {
      name = t.get(i + 1).text();
      i += 2;
    }
    if (i >= t.size()) {
      return sql;
    }
    Token kind = t.get(i);
    String clause = kind.text().toUpperCase(Locale.ROOT);
    if (kind.isWord("PRIMARY") || kind.isWord("FOREIGN")) {
      clause += " KEY";
    } else if (kind.isWord("COLUMN") || PgCasts.isName(kind) && i + 1 < t.size()) {
      if (!kind.isWord("UNIQUE") && !kind.isWord("CHECK") && !kind.isWord("EXCLUDE")) {
        int type = kind.isWord("COLUMN") ? i + 2 : i + 1;
        if (type < t.size() && t.get(type).text().toLowerCase(Locale.ROOT).contains("serial")) {
          throw new HintedSqlException(
              SqlState.FEATURE_NOT_SUPPORTED,
              "ALTER TABLE ... ADD COLUMN ... " + t.get(type).text() + " is not supported",
              "SQLite assigns numbers only to an INTEGER PRIMARY KEY declared in CREATE TABLE.",
              null);
        }
        return sql; // ADD [COLUMN]: SQLite's own
      }
    }
    String suffix = "_key";
    if (kind.isWord("PRIMARY") && i + 1 < t.size() && t.get(i + 1).isWord("KEY")) {
      i++; // the key's columns follow KEY as UNIQUE's follow UNIQUE
      suffix = "_pkey";
    } else if (!kind.isWord("UNIQUE")) {
      throw new HintedSqlException(
          SqlState.FEATURE_NOT_SUPPORTED,
          "ALTER TABLE ... ADD CONSTRAINT ... " + clause + " is not supported",
          HINT,
          null);
    }
    if (i + 1 >= t.size() || !t.get(i + 1).is('(')) {
      throw unsupportedUnique(clause, t, i + 1);
    }
    int close = PgSyntax.closing(t, i + 1);
    if (close < 0) {
      return sql;
    }
    if (close + 1 < t.size() && !(close + 2 == t.size() && t.get(close + 1).is(';'))) {
      throw unsupportedUnique(clause, t, close + 1);
    }
    String table = sql.substring(t.get(tableStart).start(), t.get(tableEnd).end());
    String columns = sql.substring(t.get(i + 1).start(), t.get(close).end());
    if (name == null) {
      StringBuilder n = new StringBuilder(t.get(tableEnd).name());
      for (Token c : suffix.equals("_key") ? t.subList(i + 2, close) : List.<Token>of()) {
        if (PgCasts.isName(c)) {
          n.append('_').append(c.name());
        }
      }
      name = "\"" + n.append(suffix).toString().replace("\"", "\"\"") + "\"";
    }
    return "CREATE UNIQUE INDEX " + name + " ON " + table + " " + columns;
  }

  private static HeliosSqlException unsupportedUnique(String clause, List<Token> t, int at) {
    String rest = at < t.size() ? t.get(at).text() : "";
    return new HintedSqlException(
        SqlState.FEATURE_NOT_SUPPORTED,
        "ALTER TABLE ... ADD CONSTRAINT ... " + clause + " " + rest + " is not supported",
        "Only UNIQUE (columns) and PRIMARY KEY (columns) are translated, to CREATE UNIQUE INDEX.",
        null);
  }
}
