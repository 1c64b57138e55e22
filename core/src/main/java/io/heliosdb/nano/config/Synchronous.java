package io.heliosdb.nano.config;

import java.util.Locale;

/**
 * {@code [database] synchronous}: when a commit is on the disk, SQLite's {@code PRAGMA synchronous}
 * set on every connection. What each mode keeps through a crash or a power loss is in
 * docs/durability.md.
 */
public enum Synchronous {
  /**
   * SQLite's NORMAL: in WAL mode a commit is written to the write-ahead log but synced only at a
   * checkpoint. A process crash loses nothing committed; a power loss or an operating-system crash
   * may undo the last commits (never corrupts the file). Needs WAL.
   */
  NORMAL(1),
  /**
   * SQLite's FULL: every commit syncs the write-ahead log before it returns, so an acknowledged
   * commit survives a power loss, as PostgreSQL's {@code synchronous_commit = on} promises. The
   * default. Without WAL it is SQLite's EXTRA: the rollback journal, the file, and the directory
   * after the journal is deleted (that deletion is the commit; unsynced, a power loss can bring the
   * journal back and roll the last commit back).
   */
  FULL(2);

  private final int pragmaValue;

  Synchronous(int pragmaValue) {
    this.pragmaValue = pragmaValue;
  }

  /** The number {@code PRAGMA synchronous} takes and reports in WAL mode: 1 NORMAL, 2 FULL. */
  public int pragmaValue() {
    return pragmaValue;
  }

  /**
   * The number to set on a connection: {@link #pragmaValue()}, except FULL with a rollback journal
   * on disk (a file without WAL), which takes 3, SQLite's EXTRA, to keep the same promise.
   */
  public int pragmaValue(boolean rollbackJournal) {
    return this == FULL && rollbackJournal ? 3 : pragmaValue;
  }

  /** The name in {@code heliosdb.toml}: {@code "normal"} or {@code "full"}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The mode named {@code text} in any case, or null when there is none of that name. */
  public static Synchronous parse(String text) {
    for (Synchronous s : values()) {
      if (s.configName().equalsIgnoreCase(text)) {
        return s;
      }
    }
    return null;
  }
}
