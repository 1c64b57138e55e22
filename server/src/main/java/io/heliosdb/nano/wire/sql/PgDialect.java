package io.heliosdb.nano.wire.sql;

import io.heliosdb.nano.error.SqlState;
import java.sql.SQLException;

/**
 * Hands one statement's text to SQLite with what PostgreSQL clients send that SQLite does not read:
 * PostgreSQL syntax ({@link PgSyntax}: casts, SERIAL, the public schema, now(), ILIKE, ALTER TABLE
 * ... ADD CONSTRAINT), catalog references ({@link PgCatalog}) and bare value keywords ({@link
 * PgKeywords}).
 */
public final class PgDialect {
  /** At most this many keywords are turned into functions, one per refusal. */
  private static final int MAX_RETRIES = 6;

  /** A call that prepares or runs SQL text. */
  @FunctionalInterface
  public interface SqliteCall<T> {
    T apply(String sql) throws SQLException;
  }

  private PgDialect() {}

  /**
   * The text to type a result's columns by: for a statement on the emulated catalog the text SQLite
   * ran, whose select list says which columns are booleans ({@code (r.rolsuper <> 0)}); else the
   * statement as the client wrote it.
   */
  public static String typedText(String original, String ran) {
    return PgCatalog.mayRefer(original) && PgCatalog.readsCatalog(ran) ? ran : original;
  }

  /**
   * Calls {@code call} with {@code sql} as SQLite should read it. A refusal with {@code no such
   * column: current_user} (and the like) happens while SQLite prepares the statement, before it
   * does anything, so the call is repeated with the keyword turned into its function.
   */
  public static <T> T run(String sql, SqliteCall<T> call) throws SQLException {
    return runTranslated(PgSyntax.translate(sql), call);
  }

  /**
   * {@link #run} for text that has been through {@link PgSyntax#translate} already (the extended
   * protocol translates before it numbers parameters for SQLite).
   */
  public static <T> T runTranslated(String sql, SqliteCall<T> call) throws SQLException {
    PgCatalog.Rewritten r = PgCatalog.rewrite(sql);
    String text = r.sql();
    SQLException first = null;
    for (int attempt = 0; ; attempt++) {
      try {
        return call.apply(text);
      } catch (SQLException e) {
        String again = attempt < MAX_RETRIES ? PgKeywords.retry(text, e) : null;
        if (again != null) {
          first = first == null ? e : first;
          text = again;
        } else if (first != null && SqlState.SYNTAX_ERROR.code().equals(e.getSQLState())) {
          // The word was a column after all (UPDATE t SET user = ...): SQLite's first word on it.
          throw PgCatalog.explain(first, r.catalog());
        } else {
          throw PgCatalog.explain(e, r.catalog());
        }
      }
    }
  }
}
