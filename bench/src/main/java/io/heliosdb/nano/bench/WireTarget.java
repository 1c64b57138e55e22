package io.heliosdb.nano.bench;

import java.util.List;
import java.util.Locale;

/**
 * The three servers of the wire harness: our {@code heliosdb serve} and PostgreSQL 15 speak the
 * PostgreSQL protocol (pgjdbc publishers, {@link PgListenSession} listeners); Redis 7 speaks RESP
 * (Jedis publishers, {@link RedisListenSession} listeners).
 */
enum WireTarget {
  HELIOSDB,
  POSTGRES,
  REDIS;

  static WireTarget parse(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  WirePublisher publisher(String host, int port) throws Exception {
    return this == REDIS ? new RedisPublisher(host, port) : new PgPublisher(host, port);
  }

  /** A listening connection's protocol state, subscribed to {@code channels} once ready. */
  ListenSession listenSession(List<String> channels) {
    return this == REDIS ? new RedisListenSession(channels) : new PgListenSession(channels);
  }
}
