package io.heliosdb.nano.wire.types;

import io.heliosdb.nano.session.SqlTokens;
import io.heliosdb.nano.session.SqlTokens.Kind;
import io.heliosdb.nano.session.SqlTokens.Token;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The tables a statement names, read from its tokens: after FROM (also {@code a, b}), JOIN, UPDATE
 * and INSERT INTO, each with its alias, its parenthesis depth and an INSERT's column list; and the
 * VALUES tuples of an INSERT. Where {@link ParameterTypes} finds the column a parameter is compared
 * with, and where the column of {@code sum(col)} in a result is found ({@link #topLevel}).
 */
public final class StatementTables {
  /** A table reference: name (without schema), alias or null, depth, INSERT columns or null. */
  public record Table(String name, String alias, int depth, List<String> insertColumns) {}

  /** Words that end a table reference rather than alias it. */
  private static final Set<String> NOT_ALIAS =
      Set.of(
          "WHERE",
          "ON",
          "USING",
          "JOIN",
          "INNER",
          "LEFT",
          "RIGHT",
          "FULL",
          "CROSS",
          "NATURAL",
          "OUTER",
          "GROUP",
          "ORDER",
          "LIMIT",
          "OFFSET",
          "HAVING",
          "UNION",
          "EXCEPT",
          "INTERSECT",
          "WINDOW",
          "SET",
          "VALUES",
          "DEFAULT",
          "SELECT",
          "RETURNING",
          "DO",
          "INDEXED",
          "NOT",
          "WITH",
          "AS");

  final List<Token> tokens;
  final int[] depth;
  final List<Table> tables = new ArrayList<>();
  final Map<Integer, Table> valuesTuples = new HashMap<>();
  Table insertTarget;

  StatementTables(List<Token> tokens) {
    this.tokens = tokens;
    this.depth = new int[tokens.size()];
    int d = 0;
    for (int i = 0; i < tokens.size(); i++) {
      if (tokens.get(i).is(')')) {
        d = Math.max(0, d - 1);
      }
      depth[i] = d;
      if (tokens.get(i).is('(')) {
        d++;
      }
    }
    readTables();
  }

  /** The tables of {@code sql} outside any parentheses (not those of its subqueries). */
  public static List<Table> topLevel(String sql) {
    return new StatementTables(SqlTokens.ofPostgres(sql))
        .tables.stream().filter(t -> t.depth() == 0).toList();
  }

  private void readTables() {
    for (int i = 0; i < tokens.size(); i++) {
      Token k = tokens.get(i);
      if (k.isWord("FROM") || k.isWord("JOIN") || k.isWord("UPDATE")) {
        int j = i + 1;
        while (true) {
          if (j < tokens.size() && (tokens.get(j).isWord("ONLY") || tokens.get(j).isWord("OR"))) {
            j += tokens.get(j).isWord("OR") ? 2 : 1; // UPDATE OR REPLACE t
          }
          j = readTable(j, false);
          if (j < 0 || !k.isWord("FROM") || j >= tokens.size() || !tokens.get(j).is(',')) {
            break;
          }
          j++;
        }
      } else if (k.isWord("INTO")) {
        readTable(i + 1, true);
      } else if (k.isWord("VALUES") && insertTarget != null) {
        for (int j = i + 1; j < tokens.size() && tokens.get(j).is('('); ) {
          valuesTuples.put(j, insertTarget);
          j = closing(j) + 1;
          if (j <= 0 || j >= tokens.size() || !tokens.get(j).is(',')) {
            break;
          }
          j++;
        }
      }
    }
  }

  /** Reads {@code [schema.]name [[AS] alias] [(columns)]} at {@code i}; the index after it. */
  private int readTable(int i, boolean insert) {
    if (i >= tokens.size() || !isName(tokens.get(i)) || isKeyword(tokens.get(i))) {
      return -1;
    }
    String name = tokens.get(i).name();
    int j = i + 1;
    while (j + 1 < tokens.size() && tokens.get(j).is('.') && isName(tokens.get(j + 1))) {
      name = tokens.get(j + 1).name();
      j += 2;
    }
    if (!insert && j < tokens.size() && tokens.get(j).is('(')) {
      return -1; // a table-valued function
    }
    String alias = null;
    if (j + 1 < tokens.size() && tokens.get(j).isWord("AS") && isName(tokens.get(j + 1))) {
      alias = tokens.get(j + 1).name();
      j += 2;
    } else if (j < tokens.size() && isName(tokens.get(j)) && !isKeyword(tokens.get(j))) {
      alias = tokens.get(j).name();
      j++;
    }
    List<String> insertColumns = null;
    if (insert && j < tokens.size() && tokens.get(j).is('(')) {
      int close = closing(j);
      insertColumns = new ArrayList<>();
      for (int c = j + 1; c < close; c++) {
        if (isName(tokens.get(c))) {
          insertColumns.add(lower(tokens.get(c).name()));
        }
      }
      j = close + 1;
    }
    Table ref = new Table(name, alias, depth[i], insertColumns);
    tables.add(ref);
    if (insert) {
      insertTarget = ref;
    }
    return j;
  }

  /** The index of the parenthesis closing the one at {@code open}; the end when none. */
  int closing(int open) {
    for (int j = open + 1; j < tokens.size(); j++) {
      if (tokens.get(j).is(')') && depth[j] == depth[open]) {
        return j;
      }
    }
    return tokens.size();
  }

  private static boolean isKeyword(Token k) {
    return k.kind() == Kind.WORD && NOT_ALIAS.contains(k.text().toUpperCase(Locale.ROOT));
  }

  static boolean isName(Token k) {
    if (k.kind() == Kind.QUOTED_IDENT) {
      return !k.text().startsWith("[") || k.text().length() > 2;
    }
    if (k.kind() != Kind.WORD || k.text().isEmpty()) {
      return false;
    }
    char c = k.text().charAt(0);
    return !Character.isDigit(c) && c != '$';
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }
}
