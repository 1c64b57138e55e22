package io.heliosdb.nano.bench;

import redis.clients.jedis.Jedis;

/** Jedis, one {@code PUBLISH ch payload} per notification, waiting for its reply. */
final class RedisPublisher implements WirePublisher {
  private final Jedis jedis;

  RedisPublisher(String host, int port) {
    jedis = new Jedis(host, port);
  }

  @Override
  public void send(String channel, String payload) {
    jedis.publish(channel, payload);
  }

  @Override
  public void close() {
    jedis.close();
  }
}
