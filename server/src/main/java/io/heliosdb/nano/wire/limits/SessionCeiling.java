package io.heliosdb.nano.wire.limits;

/**
 * How many sessions the server admits: max_connections, unless the open-file limit ({@link
 * DescriptorBudget}) or the memory budget ({@link MemoryBudget#sessionsThatFit()}) holds fewer;
 * then the smaller of those, with the reason refused clients are told (53300) and the warning
 * printed at start.
 *
 * @param sessions sessions admitted at once
 * @param reason why fewer than max_connections ("the memory budget leaves room for 128"), or null
 * @param warning the start-up warning, or null when max_connections fit
 */
public record SessionCeiling(int sessions, String reason, String warning) {

  /**
   * @param max the server's max_connections
   * @param memory its memory budget, or null without one
   * @param fileDatabase whether it serves a database file (more descriptors per session)
   */
  public static SessionCeiling of(int max, MemoryBudget memory, boolean fileDatabase) {
    int byFiles = DescriptorBudget.sessionsThatFit(fileDatabase);
    int byMemory = memory == null ? Integer.MAX_VALUE : memory.sessionsThatFit();
    if (byMemory < max && byMemory <= byFiles) {
      return new SessionCeiling(
          byMemory,
          "the memory budget leaves room for " + byMemory,
          "max_connections = "
              + max
              + " needs about "
              + (long) max * MemoryBudget.LISTENER_KIB / 1024
              + " MiB for its sessions ("
              + MemoryBudget.LISTENER_KIB
              + " KiB each, "
              + MemoryBudget.CONNECTION_KIB
              + " KiB more while one holds a SQLite connection), but the memory budget ("
              + memory.source()
              + " MiB) leaves them "
              + memory.sessionsMb()
              + " MiB: at most "
              + byMemory
              + " sessions will be admitted, the next refused with 53300; raise [server]"
              + " memory_limit_mb");
    }
    if (byFiles < max) {
      int per = DescriptorBudget.PER_SESSION;
      return new SessionCeiling(
          byFiles,
          "the open-file limit leaves room for " + byFiles,
          "max_connections = "
              + max
              + " needs about "
              + (long) max * per
              + " open files ("
              + per
              + " per session"
              + (fileDatabase
                  ? ", 2 more while it holds a SQLite connection: room is kept for "
                      + DescriptorBudget.CONNECTION_ROOM
                  : "")
              + "), but this process may open "
              + DescriptorBudget.limit()
              + " (ulimit -n): at most "
              + byFiles
              + " sessions will be admitted, the next refused with 53300; raise ulimit -n");
    }
    return new SessionCeiling(max, null, null);
  }
}
