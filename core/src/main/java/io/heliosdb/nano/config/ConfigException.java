package io.heliosdb.nano.config;

import io.heliosdb.nano.error.SqlState;

/** A configuration that cannot be used: the message names the file, line and key where known. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final SqlState sqlState;

  public ConfigException(String message) {
    this(message, SqlState.CONFIG_FILE_ERROR);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
    this.sqlState = SqlState.CONFIG_FILE_ERROR;
  }

  /**
   * A mistake reported with another code than a file's: a JDBC URL's key (22023), a URL without a
   * database (08001).
   */
  public ConfigException(String message, SqlState sqlState) {
    super(message);
    this.sqlState = sqlState;
  }

  /** PostgreSQL's code for a bad configuration file, or the one this mistake was given. */
  public String sqlState() {
    return sqlState.code();
  }
}
