package io.heliosdb.nano.wire;

import io.heliosdb.nano.wire.types.PgColumn;
import java.util.List;

/**
 * Where {@link ExtendedQuery} reports: the messages of the simple flow plus those of the extended
 * one. In the extended flow Execute sends no RowDescription: Describe does.
 */
interface ExtendedSink extends QuerySink {
  void parseComplete();

  void bindComplete();

  void closeComplete();

  /** Describe of something that returns no rows. */
  void noData();

  /** Execute's row limit was reached and rows remain. */
  void portalSuspended();

  void parameterDescription(int[] typeOids);

  /** RowDescription with the result format codes of a portal. */
  void rowDescription(List<PgColumn> columns, short[] formats);

  /** One row with its values already in their wire formats (null for NULL). */
  void dataRow(byte[][] values);
}
