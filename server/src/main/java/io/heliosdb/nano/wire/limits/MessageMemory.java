package io.heliosdb.nano.wire.limits;

/**
 * The bytes that messages being received may take at once, across all sessions ({@link
 * MemoryBudget#messageBytes()}). A message larger than a socket read ({@link #RESERVE_ABOVE}) takes
 * its declared length from here before its body is buffered, and gives it back once the message is
 * decoded or the connection closes; a message that does not fit is refused with FATAL 53200 (out of
 * memory) instead of being buffered. So a few clients sending (or declaring) large messages cannot
 * take the direct memory the other sessions need. Thread-safe.
 */
public final class MessageMemory extends BytePool {
  /** No bound: a server without a memory budget (the embedded API, tests). */
  public static final MessageMemory UNBOUNDED = new MessageMemory(Long.MAX_VALUE);

  /** Messages up to this size take nothing from the pool: a socket read brings as much anyway. */
  public static final int RESERVE_ABOVE = 64 * 1024;

  public MessageMemory(long capacity) {
    super(capacity);
  }
}
