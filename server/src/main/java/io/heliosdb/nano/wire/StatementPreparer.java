package io.heliosdb.nano.wire;

import io.heliosdb.nano.HeliosConnection;
import io.heliosdb.nano.error.HeliosSqlException;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.session.CommandTags;
import io.heliosdb.nano.session.ParameterRewriter;
import io.heliosdb.nano.session.SqlSplitter;
import io.heliosdb.nano.wire.sql.PgDialect;
import io.heliosdb.nano.wire.sql.PgSyntax;
import io.heliosdb.nano.wire.sql.QuickStatements;
import io.heliosdb.nano.wire.sql.StatementDepth;
import io.heliosdb.nano.wire.types.ParameterTypes;
import io.heliosdb.nano.wire.types.PgColumn;
import io.heliosdb.nano.wire.types.PgValues;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * What Parse makes of a statement's text, before it is kept under its name: the text for SQLite
 * (translated from PostgreSQL's dialect, {@code $n} numbered for SQLite), its verb, its parameter
 * types (declared by the client, else inferred: {@link ParameterTypes}), the SQLite statement
 * prepared on the session's connection, and its result columns ({@link ResultColumns}), all without
 * running it. Notifications take the short path ({@link QuickPath}): a pg_notify's shape is kept
 * per text, a LISTEN, UNLISTEN or NOTIFY is run from its text by the core.
 */
final class StatementPreparer {
  /** Statements run from their text, never prepared by SQLite (it cannot parse SET or SHOW). */
  private static final Set<String> TEXT_ONLY =
      Set.of(
          "BEGIN",
          "START TRANSACTION",
          "COMMIT",
          "ROLLBACK",
          "SAVEPOINT",
          "RELEASE",
          "SET",
          "RESET",
          "SHOW");

  /** Statements the core runs itself: a prepared stand-in, no result columns. */
  private static final Set<String> SESSION_STATEMENTS =
      Set.of("LISTEN", "UNLISTEN", "NOTIFY", "DISCARD PLANS", "DISCARD TEMP", "DISCARD SEQUENCES");

  /** The highest $n: the protocol counts a Bind's values in 16 bits. (SQLite's own is 32766.) */
  static final int MAX_PARAMETER = 65535;

  /** A parsed statement: its shape, the SQLite statement (null when none), its kind. */
  record Prepared(QuickPath.Shape shape, PreparedStatement ps, QuickStatements.Kind kind) {}

  private final HeliosConnection conn;
  private final SessionSettings settings;
  private final SchemaReader schema;
  private final QuickPath quick;

  StatementPreparer(
      HeliosConnection conn, SessionSettings settings, SchemaReader schema, QuickPath quick) {
    this.conn = conn;
    this.settings = settings;
    this.schema = schema;
    this.quick = quick;
  }

  /**
   * The statement {@code sql} with the parameter types the client declared ({@code 0}:
   * unspecified).
   *
   * @throws SQLException 42601 for several statements in one, 42P02 past {@link #MAX_PARAMETER},
   *     54001 nested too deep, or SQLite's error preparing it
   */
  Prepared prepare(String sql, int[] declared) throws SQLException {
    StatementDepth.check(sql);
    List<String> split = SqlSplitter.split(sql);
    if (split.size() > 1) {
      throw new HeliosSqlException(
          SqlState.SYNTAX_ERROR, "cannot insert multiple commands into a prepared statement");
    }
    String text = split.isEmpty() ? "" : split.get(0);
    QuickStatements.Kind kind = quick.classify(sql);
    QuickPath.Shape known =
        kind == QuickStatements.Kind.PG_NOTIFY ? quick.shape(text, declared) : null;
    if (kind == QuickStatements.Kind.SESSION && text.indexOf('$') < 0) {
      // Run from its text by the core, as the simple protocol runs it: nothing to prepare.
      known = new QuickPath.Shape(text, CommandTags.of(text, 0, false), declared.clone(), 0, null);
    }
    if (known != null) {
      PreparedStatement ps =
          kind == QuickStatements.Kind.PG_NOTIFY
              ? PgDialect.runTranslated(known.sql(), conn::prepareStatement)
              : null;
      return new Prepared(known, ps, kind);
    }
    String verb = CommandTags.of(ParameterRewriter.rewrite(text).sql(), 0, false);
    String written = text;
    boolean prepared = verb != null && !TEXT_ONLY.contains(verb) && !Housekeeping.handles(verb);
    if (prepared) {
      text = PgSyntax.translate(text); // before $n become ?NNN: $1::int is a cast of $1
    }
    ParameterRewriter.Rewritten r = ParameterRewriter.rewrite(text);
    if (r.parameterCount() > MAX_PARAMETER) {
      // Before the parameter types are sized by it: "$99999" would be a 400 KB array.
      throw new HeliosSqlException(
          SqlState.UNDEFINED_PARAMETER, "there is no parameter $" + r.parameterCount());
    }
    int[] types = new int[Math.max(r.parameterCount(), declared.length)];
    System.arraycopy(declared, 0, types, 0, declared.length);
    if (prepared && r.parameterCount() > 0) {
      inferTypes(written, r.parameterCount(), types);
    }
    PreparedStatement ps = null;
    List<PgColumn> columns = null;
    if (verb != null && verb.equals("SHOW")) {
      columns = settings.showColumns(r.sql());
    } else if (prepared) {
      String[] ran = {r.sql()};
      ps =
          PgDialect.runTranslated(
              r.sql(),
              sqlite -> {
                ran[0] = sqlite;
                return conn.prepareStatement(sqlite);
              });
      try {
        columns =
            SESSION_STATEMENTS.contains(verb)
                ? null
                : columns(PgDialect.typedText(written, ran[0]), ps);
      } catch (SQLException | RuntimeException e) {
        NamedStatements.close(ps);
        throw e;
      }
    }
    QuickPath.Shape shape = new QuickPath.Shape(r.sql(), verb, types, r.parameterCount(), columns);
    if (kind == QuickStatements.Kind.PG_NOTIFY) {
      quick.remember(text, declared, shape);
    }
    return new Prepared(shape, ps, kind);
  }

  /**
   * The result columns of a prepared statement, before it runs ({@link ResultColumns}); null when
   * it has none.
   */
  private List<PgColumn> columns(String sql, PreparedStatement ps) throws SQLException {
    ResultSetMetaData md = ps.getMetaData();
    int n;
    try {
      n = md == null ? 0 : md.getColumnCount();
    } catch (SQLException e) {
      n = 0; // sqlite-jdbc: a statement without result columns has no column 1
    }
    if (n == 0) {
      return null;
    }
    return schema.read(c -> ResultColumns.of(c, sql, md, null), null);
  }

  /**
   * Fills the parameter types the client left unspecified with those the statement shows ({@link
   * ParameterTypes}, read from the text as the client wrote it); the rest stay unspecified (text).
   */
  private void inferTypes(String sql, int count, int[] types) throws SQLException {
    int[] inferred =
        schema.read(
            c -> ParameterTypes.infer(sql, count, table -> ResultColumns.declaredTypes(c, table)),
            new int[count]);
    for (int i = 0; i < inferred.length; i++) {
      if (types[i] == PgValues.OID_UNSPECIFIED) {
        types[i] = inferred[i];
      }
    }
  }
}
