package io.heliosdb.nano.wire.types;

import io.heliosdb.nano.session.SqlTokens;
import io.heliosdb.nano.session.SqlTokens.Kind;
import io.heliosdb.nano.session.SqlTokens.Token;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The types of a statement's parameters {@code $1 .. $n} as PostgreSQL infers them where the
 * statement shows them, read from its tokens (as the client wrote it, before translation):
 *
 * <ul>
 *   <li>compared with or assigned to a column ({@code col = $1}, {@code $1 < t.col}, {@code col
 *       LIKE $1}, {@code col + $1}, {@code UPDATE t SET col = $1}, {@code col [NOT] IN ($1, $2)},
 *       {@code col BETWEEN $1 AND $2}, {@code INSERT INTO t (col) VALUES ($1)}): the column's
 *       declared type, mapped as result columns are ({@link PgType#forDeclared});
 *   <li>{@code LIMIT $1}, {@code OFFSET $1}: int8;
 *   <li>{@code $1::type}, {@code CAST($1 AS type)}: the cast's type;
 *   <li>arguments of known functions: {@code pg_notify} and {@code notify} text, text; the advisory
 *       lock functions int8 (one argument) or int4, int4 (two).
 * </ul>
 *
 * A parameter nothing tells about is 0 (unspecified: described as text, bound as text). A column is
 * found by its qualifier (table name or alias, {@code excluded} for an upsert's target) or, bare,
 * in the tables of the statement nearest in parenthesis depth. The first inference of a parameter
 * used several times wins.
 */
public final class ParameterTypes {
  /** A table's columns: lower-case name to declared type, in column order; empty when unknown. */
  public interface Catalog {
    Map<String, String> columns(String table);
  }

  static final int INT2 = 21;
  static final int INT4 = 23;
  static final int INT8 = 20;

  private static final Map<String, Integer> CAST_TYPES =
      Map.ofEntries(
          Map.entry("int2", INT2),
          Map.entry("smallint", INT2),
          Map.entry("int", INT4),
          Map.entry("int4", INT4),
          Map.entry("integer", INT4),
          Map.entry("int8", INT8),
          Map.entry("bigint", INT8),
          Map.entry("float4", 700),
          Map.entry("real", 700),
          Map.entry("float", 701),
          Map.entry("float8", 701),
          Map.entry("double precision", 701),
          Map.entry("double", 701),
          Map.entry("numeric", 1700),
          Map.entry("decimal", 1700),
          Map.entry("text", 25),
          Map.entry("varchar", 1043),
          Map.entry("character varying", 1043),
          Map.entry("char", 1042),
          Map.entry("character", 1042),
          Map.entry("bpchar", 1042),
          Map.entry("name", 19),
          Map.entry("bool", 16),
          Map.entry("boolean", 16),
          Map.entry("bytea", 17),
          Map.entry("blob", 17),
          Map.entry("date", 1082),
          Map.entry("timestamp", 1114),
          Map.entry("timestamp without time zone", 1114),
          Map.entry("uuid", 2950),
          Map.entry("json", 114),
          Map.entry("jsonb", 3802));

  private static final Set<String> COMPARISONS =
      Set.of("=", "==", "<>", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%");
  private static final Set<String> WORD_OPERATORS = Set.of("LIKE", "ILIKE", "GLOB");

  private final List<Token> t;
  private final int[] depth;
  private final Catalog catalog;
  private final Map<String, Map<String, String>> columns = new HashMap<>();
  private final StatementTables statement;

  private ParameterTypes(String sql, Catalog catalog) {
    this.statement = new StatementTables(SqlTokens.ofPostgres(sql));
    this.t = statement.tokens;
    this.depth = statement.depth;
    this.catalog = catalog;
  }

  /**
   * The type OIDs of parameters {@code $1 .. $count} of {@code sql}; 0 where the statement does not
   * show one.
   */
  public static int[] infer(String sql, int count, Catalog catalog) {
    int[] types = new int[count];
    if (count == 0) {
      return types;
    }
    ParameterTypes p = new ParameterTypes(sql, catalog);
    for (int i = 0; i < p.t.size(); i++) {
      int n = parameterNumber(p.t.get(i));
      if (n > 0 && n <= count && types[n - 1] == 0) {
        types[n - 1] = p.typeAt(i);
      }
    }
    return types;
  }

  // ---- one parameter

  private int typeAt(int i) {
    int cast = castAfter(i + 1);
    if (cast != 0) {
      return cast;
    }
    Token prev = i > 0 ? t.get(i - 1) : null;
    if (prev != null && (prev.isWord("LIMIT") || prev.isWord("OFFSET"))) {
      return INT8;
    }
    if (prev != null
        && prev.is('(')
        && i >= 2
        && t.get(i - 2).isWord("CAST")
        && i + 1 < t.size()
        && t.get(i + 1).isWord("AS")) {
      return castName(i + 2);
    }
    int argument = argument(i);
    if (argument != 0) {
      return argument;
    }
    // operand OP $n
    int op = operatorBefore(i);
    if (op >= 0 && t.get(op).isWord("AND")) {
      int between = op - 2; // col BETWEEN x AND $n
      return between >= 0 && t.get(between).isWord("BETWEEN") ? columnEndingAt(between - 1) : 0;
    }
    if (op >= 0) {
      int type = columnEndingAt(op - 1);
      if (type != 0) {
        return type;
      }
    }
    if (prev != null && prev.isWord("BETWEEN")) {
      return columnEndingAt(i - 2);
    }
    // $n OP column
    int after = operatorAfter(i + 1);
    if (after > 0) {
      return columnStartingAt(after);
    }
    return 0;
  }

  /** {@code ::type} at {@code i}: its OID; 0 when there is none or it is not one known here. */
  private int castAfter(int i) {
    if (i + 2 < t.size() && t.get(i).is(':') && t.get(i + 1).is(':')) {
      return castName(i + 2);
    }
    return 0;
  }

  private int castName(int i) {
    if (i + 2 < t.size() && t.get(i).isWord("pg_catalog") && t.get(i + 1).is('.')) {
      i += 2;
    }
    if (i >= t.size() || t.get(i).kind() != Kind.WORD) {
      return 0;
    }
    String name = lower(t.get(i).text());
    if (i + 1 < t.size()
        && (name.equals("double") && t.get(i + 1).isWord("precision")
            || name.equals("character") && t.get(i + 1).isWord("varying"))) {
      name += " " + lower(t.get(i + 1).text());
    } else if (name.equals("timestamp")
        && i + 3 < t.size()
        && t.get(i + 1).isWord("with")
        && t.get(i + 2).isWord("time")) {
      return 0; // timestamptz: not one bound here
    }
    Integer oid = CAST_TYPES.get(name);
    return oid == null ? 0 : oid;
  }

  /**
   * A parameter that is a whole argument of a known function, a member of an {@code IN} list, or a
   * value of an INSERT's VALUES tuple.
   */
  private int argument(int i) {
    int open = -1;
    int position = 0;
    for (int j = i - 1; j >= 0; j--) {
      if (depth[j] < depth[i]) {
        open = t.get(j).is('(') ? j : -1;
        break;
      }
      if (depth[j] == depth[i] && t.get(j).is(',')) {
        position++;
      }
    }
    boolean whole =
        i > 0
            && (t.get(i - 1).is('(') || t.get(i - 1).is(','))
            && i + 1 < t.size()
            && (t.get(i + 1).is(')') || t.get(i + 1).is(','));
    if (open < 0 || !whole) {
      return 0;
    }
    StatementTables.Table insert = statement.valuesTuples.get(open);
    if (insert != null) {
      return insertColumn(insert, position);
    }
    if (open == 0) {
      return 0;
    }
    Token before = t.get(open - 1);
    if (before.isWord("IN")) {
      int operand = open - 2;
      if (operand >= 0 && t.get(operand).isWord("NOT")) {
        operand--;
      }
      return columnEndingAt(operand);
    }
    if (before.kind() != Kind.WORD) {
      return 0;
    }
    String function = lower(before.text());
    if (function.equals("pg_notify") || function.equals("notify")) {
      return position < 2 ? 25 : 0;
    }
    if (function.startsWith("pg_advisory_") || function.startsWith("pg_try_advisory_")) {
      int arguments = 1;
      for (int j = open + 1; j < statement.closing(open); j++) {
        arguments += depth[j] == depth[i] && t.get(j).is(',') ? 1 : 0;
      }
      return arguments == 1 ? INT8 : INT4;
    }
    return 0;
  }

  private int insertColumn(StatementTables.Table insert, int position) {
    Map<String, String> cols = columnsOf(insert.name());
    String column;
    if (insert.insertColumns() != null) {
      if (position >= insert.insertColumns().size()) {
        return 0;
      }
      column = insert.insertColumns().get(position);
    } else {
      if (position >= cols.size()) {
        return 0;
      }
      column = new ArrayList<>(cols.keySet()).get(position);
    }
    return oidOf(cols.get(column));
  }

  /** The index of an operator token right before {@code i} (its first token), or -1. */
  private int operatorBefore(int i) {
    int j = i - 1;
    StringBuilder op = new StringBuilder();
    while (j >= 0 && isOperatorChar(t.get(j)) && op.length() < 2) {
      op.insert(0, t.get(j).text());
      j--;
    }
    if (op.length() > 0) {
      return COMPARISONS.contains(op.toString()) ? j + 1 : -1;
    }
    if (j >= 0 && t.get(j).kind() == Kind.WORD) {
      String w = t.get(j).text().toUpperCase(Locale.ROOT);
      if (WORD_OPERATORS.contains(w) || w.equals("AND")) {
        int k = j > 0 && t.get(j - 1).isWord("NOT") ? j - 1 : j;
        return k;
      }
    }
    return -1;
  }

  /** The index after an operator starting at {@code i}, or -1. */
  private int operatorAfter(int i) {
    int j = i;
    StringBuilder op = new StringBuilder();
    while (j < t.size() && isOperatorChar(t.get(j)) && op.length() < 2) {
      op.append(t.get(j).text());
      j++;
    }
    if (op.length() > 0) {
      return COMPARISONS.contains(op.toString()) ? j : -1;
    }
    if (j < t.size() && t.get(j).isWord("NOT")) {
      j++;
    }
    if (j < t.size()
        && t.get(j).kind() == Kind.WORD
        && WORD_OPERATORS.contains(t.get(j).text().toUpperCase(Locale.ROOT))) {
      return j + 1;
    }
    return -1;
  }

  /** The type of a column reference ({@code col}, {@code q.col}) ending at token {@code end}. */
  private int columnEndingAt(int end) {
    if (end < 0 || !StatementTables.isName(t.get(end))) {
      return 0;
    }
    String column = t.get(end).name();
    String qualifier = null;
    if (end >= 2 && t.get(end - 1).is('.') && StatementTables.isName(t.get(end - 2))) {
      qualifier = t.get(end - 2).name();
    }
    return resolve(qualifier, column, depth[end]);
  }

  /** The type of a column reference starting at token {@code start}. */
  private int columnStartingAt(int start) {
    if (start >= t.size() || !StatementTables.isName(t.get(start))) {
      return 0;
    }
    if (start + 2 < t.size()
        && t.get(start + 1).is('.')
        && StatementTables.isName(t.get(start + 2))) {
      return resolve(t.get(start).name(), t.get(start + 2).name(), depth[start]);
    }
    if (start + 1 < t.size() && (t.get(start + 1).is('(') || t.get(start + 1).is('.'))) {
      return 0; // a function call
    }
    return resolve(null, t.get(start).name(), depth[start]);
  }

  private int resolve(String qualifier, String column, int at) {
    String col = lower(column);
    if (qualifier != null) {
      String q = lower(qualifier);
      if (q.equals("excluded") && statement.insertTarget != null) {
        return oidOf(columnsOf(statement.insertTarget.name()).get(col));
      }
      for (StatementTables.Table ref : statement.tables) {
        if (q.equals(lower(ref.alias())) || ref.alias() == null && q.equals(lower(ref.name()))) {
          return oidOf(columnsOf(ref.name()).get(col));
        }
      }
      return 0;
    }
    List<StatementTables.Table> nearest = new ArrayList<>(statement.tables);
    nearest.sort(Comparator.comparingInt(r -> Math.abs(r.depth() - at)));
    for (StatementTables.Table ref : nearest) {
      String declared = columnsOf(ref.name()).get(col);
      if (declared != null) {
        return oidOf(declared);
      }
    }
    return 0;
  }

  private Map<String, String> columnsOf(String table) {
    return columns.computeIfAbsent(lower(table), n -> catalog.columns(table));
  }

  /** The OID of a declared column type; 0 when it says nothing (no type, SQLite's NUMERIC). */
  static int oidOf(String declared) {
    if (declared == null) {
      return 0;
    }
    PgType type = PgType.forDeclared(declared);
    return type == null ? 0 : type.oid();
  }

  // ---- tokens

  private static boolean isOperatorChar(Token k) {
    return k.kind() == Kind.OTHER && "=<>!+-*/%".contains(k.text());
  }

  private static int parameterNumber(Token k) {
    String w = k.text();
    if (k.kind() != Kind.WORD || w.length() < 2 || w.length() > 6 || w.charAt(0) != '$') {
      return 0;
    }
    for (int i = 1; i < w.length(); i++) {
      if (!Character.isDigit(w.charAt(i))) {
        return 0;
      }
    }
    return Integer.parseInt(w.substring(1));
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }
}
