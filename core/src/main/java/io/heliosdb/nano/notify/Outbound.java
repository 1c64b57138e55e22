package io.heliosdb.nano.notify;

/**
 * Takes this process's committed notifications out of the hub, in commit order, to other nodes; see
 * the federation layer. The hub calls it under its lock, so it must not block; the hub closes it
 * with itself.
 */
public interface Outbound extends AutoCloseable {
  /**
   * A notification committed by a session of this process.
   *
   * @param durableId its row in the durable log, 0 when it has none
   */
  void committed(int senderPid, String channel, String payload, long durableId);

  @Override
  void close();
}
