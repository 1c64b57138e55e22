package io.heliosdb.nano.wire.types;

import io.heliosdb.nano.session.SqlTokens;
import io.heliosdb.nano.session.SqlTokens.Kind;
import io.heliosdb.nano.session.SqlTokens.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The tables a SELECT reads at its top level ({@code FROM a x, b JOIN c AS y ON ...}), with their
 * aliases: where the column of {@code sum(x.col)} or {@code max(col)} is looked up ({@link
 * SelectList.Over}). Subqueries in FROM are left out (their columns have no declared type).
 */
public final class FromTables {
  /** A table and its alias (null when it has none). */
  public record Table(String name, String alias) {}

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
          "AS");

  private FromTables() {}

  /** The top-level tables of {@code sql}'s FROM clause, in order; empty when there is none. */
  public static List<Table> of(String sql) {
    List<Token> t = SqlTokens.ofPostgres(sql);
    List<Table> tables = new ArrayList<>();
    int depth = 0;
    boolean inFrom = false;
    for (int i = 0; i < t.size(); i++) {
      Token k = t.get(i);
      depth += k.is('(') ? 1 : k.is(')') ? -1 : 0;
      if (depth != 0) {
        continue;
      }
      if (k.isWord("FROM") || k.isWord("JOIN") || (inFrom && k.is(','))) {
        inFrom = true;
        i = read(t, i + 1, tables) - 1;
      } else if (k.isWord("WHERE") || k.isWord("GROUP") || k.isWord("ORDER")) {
        inFrom = false;
      }
    }
    return tables;
  }

  /** Reads {@code [schema.]name [[AS] alias]} at {@code i}; the index after it. */
  private static int read(List<Token> t, int i, List<Table> out) {
    if (i >= t.size() || !ExpressionTokens.isName(t.get(i))) {
      return i;
    }
    String name = t.get(i).name();
    int j = i + 1;
    while (j + 1 < t.size() && t.get(j).is('.') && ExpressionTokens.isName(t.get(j + 1))) {
      name = t.get(j + 1).name();
      j += 2;
    }
    if (j < t.size() && t.get(j).is('(')) {
      return j; // a table-valued function
    }
    String alias = null;
    if (j + 1 < t.size() && t.get(j).isWord("AS")) {
      alias = t.get(j + 1).name();
      j += 2;
    } else if (j < t.size()
        && ExpressionTokens.isName(t.get(j))
        && !(t.get(j).kind() == Kind.WORD
            && NOT_ALIAS.contains(t.get(j).text().toUpperCase(Locale.ROOT)))) {
      alias = t.get(j).name();
      j++;
    }
    out.add(new Table(name, alias));
    return j;
  }
}
