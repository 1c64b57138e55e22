package io.heliosdb.nano.config;

import io.heliosdb.nano.error.SqlState;

/** A configuration that cannot be used: the message names the file, line and key where known. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }

  /** PostgreSQL's code for a bad configuration file. */
  public String sqlState() {
    return SqlState.CONFIG_FILE_ERROR.code();
  }
}
