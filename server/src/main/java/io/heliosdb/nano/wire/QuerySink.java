package io.heliosdb.nano.wire;

import io.heliosdb.nano.wire.messages.Severity;
import io.heliosdb.nano.wire.types.PgColumn;
import java.util.List;

/**
 * Where {@link QueryRunner} reports what a simple query produced, in order, as PostgreSQL's simple
 * query flow orders it: per statement RowDescription and DataRows (for statements that return rows)
 * then CommandComplete, or an error that ends the query; notices at any point.
 */
public interface QuerySink {

  /** The columns of the rows that follow. */
  void rowDescription(List<PgColumn> columns);

  /** One row, each value in its column type's text format, null for NULL. */
  void dataRow(String[] values);

  /** A statement finished: its command tag, e.g. {@code INSERT 0 1}, {@code SELECT 3}. */
  void commandComplete(String tag);

  /** The query string held no statement. */
  void emptyQuery();

  /** A statement failed; no further statement of this query runs. */
  void error(String sqlState, String message);

  /** A statement failed, with a hint of what to do instead. */
  void error(String sqlState, String message, String hint);

  /** A reported run-time parameter changed (SET client_encoding, application_name, ...). */
  void parameterStatus(String name, String value);

  /** A notice or warning that does not stop the query. */
  void notice(Severity severity, String sqlState, String message);
}
