package io.heliosdb.nano.wire.messages;

/** The transaction status ReadyForQuery reports. */
public enum TransactionStatus {
  /** Not in a transaction block. */
  IDLE('I'),
  /** In a transaction block. */
  IN_BLOCK('T'),
  /** In a failed transaction block: statements are refused until ROLLBACK. */
  FAILED('E');

  private final char code;

  TransactionStatus(char code) {
    this.code = code;
  }

  /** The status byte on the wire. */
  public char code() {
    return code;
  }
}
