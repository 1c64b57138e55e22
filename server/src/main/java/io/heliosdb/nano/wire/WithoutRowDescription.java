package io.heliosdb.nano.wire;

import io.heliosdb.nano.wire.messages.Severity;
import io.heliosdb.nano.wire.types.PgColumn;
import java.util.List;

/**
 * The simple flow's output for an extended Execute, which sends no RowDescription (Describe did):
 * passes everything else on.
 */
final class WithoutRowDescription implements QuerySink {
  private final QuerySink sink;

  WithoutRowDescription(QuerySink sink) {
    this.sink = sink;
  }

  @Override
  public void rowDescription(List<PgColumn> columns) {}

  @Override
  public void dataRow(String[] values) {
    sink.dataRow(values);
  }

  @Override
  public void commandComplete(String tag) {
    sink.commandComplete(tag);
  }

  @Override
  public void emptyQuery() {
    sink.emptyQuery();
  }

  @Override
  public void error(String sqlState, String message) {
    sink.error(sqlState, message);
  }

  @Override
  public void error(String sqlState, String message, String hint) {
    sink.error(sqlState, message, hint);
  }

  @Override
  public void parameterStatus(String name, String value) {
    sink.parameterStatus(name, value);
  }

  @Override
  public void notice(Severity severity, String sqlState, String message) {
    sink.notice(severity, sqlState, message);
  }
}
