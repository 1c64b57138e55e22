package io.heliosdb.nano.error;

import java.sql.SQLException;
import java.util.Locale;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Maps SQLite's result codes and messages to PostgreSQL SQLSTATEs. SQLite reports many different
 * failures as a plain SQLITE_ERROR, so the message decides where the code alone cannot.
 */
public final class SqliteErrors {
  private SqliteErrors() {}

  /**
   * The SQLSTATE for an exception thrown by sqlite-jdbc (or one of ours, which already has one).
   */
  public static SqlState stateOf(SQLException e) {
    if (!(e instanceof SQLiteException)) {
      SqlState known = fromCode(e.getSQLState());
      return known != null ? known : SqlState.INTERNAL_ERROR;
    }
    SQLiteErrorCode code = ((SQLiteException) e).getResultCode();
    String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    switch (code) {
      case SQLITE_CONSTRAINT_UNIQUE:
      case SQLITE_CONSTRAINT_PRIMARYKEY:
      case SQLITE_CONSTRAINT_ROWID:
        return SqlState.UNIQUE_VIOLATION;
      case SQLITE_CONSTRAINT_FOREIGNKEY:
        return SqlState.FOREIGN_KEY_VIOLATION;
      case SQLITE_CONSTRAINT_NOTNULL:
        return SqlState.NOT_NULL_VIOLATION;
      case SQLITE_CONSTRAINT_CHECK:
        return SqlState.CHECK_VIOLATION;
      case SQLITE_CONSTRAINT_TRIGGER:
      case SQLITE_CONSTRAINT_FUNCTION:
      case SQLITE_CONSTRAINT:
        return SqlState.RESTRICT_VIOLATION;
      case SQLITE_BUSY:
      case SQLITE_BUSY_RECOVERY:
      case SQLITE_BUSY_SNAPSHOT:
      case SQLITE_BUSY_TIMEOUT:
      case SQLITE_LOCKED:
      case SQLITE_LOCKED_SHAREDCACHE:
        return SqlState.LOCK_NOT_AVAILABLE;
      case SQLITE_READONLY:
      case SQLITE_READONLY_DBMOVED:
      case SQLITE_READONLY_RECOVERY:
      case SQLITE_READONLY_CANTLOCK:
      case SQLITE_READONLY_ROLLBACK:
      case SQLITE_READONLY_CANTINIT:
      case SQLITE_READONLY_DIRECTORY:
        return SqlState.READ_ONLY_SQL_TRANSACTION;
      case SQLITE_FULL:
        return SqlState.DISK_FULL;
      case SQLITE_NOMEM:
        return SqlState.OUT_OF_MEMORY;
      case SQLITE_INTERRUPT:
        return SqlState.QUERY_CANCELED;
      case SQLITE_TOOBIG:
        return SqlState.PROGRAM_LIMIT_EXCEEDED;
      case SQLITE_CORRUPT:
      case SQLITE_NOTADB:
        return SqlState.DATA_CORRUPTED;
      case SQLITE_IOERR:
      case SQLITE_CANTOPEN:
        return SqlState.IO_ERROR;
      case SQLITE_MISMATCH:
        return SqlState.DATA_EXCEPTION;
      case SQLITE_RANGE:
        return SqlState.INVALID_PARAMETER_VALUE;
      default:
        return fromMessage(message);
    }
  }

  private static SqlState fromMessage(String message) {
    if (message.contains("payload string too long")
        || message.contains("channel name too long")
        || message.contains("channel name cannot be empty")) {
      return SqlState.INVALID_PARAMETER_VALUE;
    }
    // A failure inside a function (the durable-log insert of pg_notify()) reaches the statement
    // as a plain SQLITE_ERROR whose message names the real one.
    if (message.contains("database is locked") || message.contains("database table is locked")) {
      return SqlState.LOCK_NOT_AVAILABLE;
    }
    if (message.contains("readonly database")) {
      return SqlState.READ_ONLY_SQL_TRANSACTION;
    }
    if (message.contains("database or disk is full")) {
      return SqlState.DISK_FULL;
    }
    if (message.contains("this server speaks utf8 only")) {
      return SqlState.FEATURE_NOT_SUPPORTED;
    }
    if (message.contains("unrecognized configuration parameter")) {
      return SqlState.UNDEFINED_OBJECT;
    }
    // The advisory-lock functions' failures, in PostgreSQL's words.
    if (message.contains("canceling statement due to lock timeout")) {
      return SqlState.LOCK_NOT_AVAILABLE;
    }
    if (message.contains("canceling statement due to user request")) {
      return SqlState.QUERY_CANCELED;
    }
    if (message.contains("out of shared memory")) {
      return SqlState.OUT_OF_MEMORY;
    }
    if (message.contains("deadlock detected")) {
      return SqlState.DEADLOCK_DETECTED;
    }
    if (message.contains("invalid input syntax for type")) {
      return SqlState.INVALID_TEXT_REPRESENTATION;
    }
    if (message.contains("is out of range for type")) {
      return SqlState.NUMERIC_VALUE_OUT_OF_RANGE;
    }
    if (message.contains("function ") && message.contains(") does not exist")) {
      return SqlState.UNDEFINED_FUNCTION;
    }
    if (message.contains("is not claimed by consumer")) {
      return SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE;
    }
    if (message.contains("consumer \"") && message.contains("does not exist")) {
      return SqlState.UNDEFINED_OBJECT;
    }
    // The message is lower-cased here: "must not be null" is the consumer functions' "NULL".
    if (message.contains("is not durable")
        || (message.contains("heliosdb_") && message.contains(" must not be null"))
        || (message.contains("heliosdb_") && message.contains(" must be an integer"))
        || message.contains("heliosdb_claim: max must be")
        || message.contains("start_at must be")
        || (message.contains("consumer \"") && message.contains("\" needs a channel"))
        || message.contains("a consumer needs a name")) {
      return SqlState.INVALID_PARAMETER_VALUE;
    }
    if (message.contains("pubsub.enabled = false")) {
      return SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE;
    }
    if (message.contains("no such table")) {
      return SqlState.UNDEFINED_TABLE;
    }
    if (message.contains("no such column")) {
      return SqlState.UNDEFINED_COLUMN;
    }
    if (message.contains("no such function") || message.contains("wrong number of arguments")) {
      return SqlState.UNDEFINED_FUNCTION;
    }
    if (message.contains("already exists")) {
      return message.contains("table") ? SqlState.DUPLICATE_TABLE : SqlState.DUPLICATE_OBJECT;
    }
    if (message.contains("syntax error")
        || message.contains("incomplete input")
        || message.contains("unrecognized token")) {
      return SqlState.SYNTAX_ERROR;
    }
    if (message.contains("within a transaction")) {
      return SqlState.ACTIVE_SQL_TRANSACTION;
    }
    if (message.contains("no transaction is active") || message.contains("no such savepoint")) {
      return SqlState.NO_ACTIVE_SQL_TRANSACTION;
    }
    if (message.contains("integer overflow")) {
      return SqlState.NUMERIC_VALUE_OUT_OF_RANGE;
    }
    if (message.contains("out of memory")) {
      return SqlState.OUT_OF_MEMORY;
    }
    return SqlState.SYNTAX_ERROR;
  }

  /** The enum constant whose code is {@code code}, or null. */
  public static SqlState fromCode(String code) {
    if (code == null) {
      return null;
    }
    for (SqlState s : SqlState.values()) {
      if (s.code().equals(code)) {
        return s;
      }
    }
    return null;
  }
}
