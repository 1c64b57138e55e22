package io.heliosdb.nano.bench;

/** Sends one notification per call and returns once the server has acknowledged it. */
interface WirePublisher extends AutoCloseable {
  void send(String channel, String payload) throws Exception;

  @Override
  void close() throws Exception;
}
