package io.heliosdb.nano.federation;

import io.heliosdb.nano.config.FederationSettings;
import io.heliosdb.nano.metrics.MetricsTracker;
import io.heliosdb.nano.metrics.MetricsTracker.FederationEvent;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's connection to NATS. Opening never waits for the network: an unreachable server is
 * logged once and tried again with a backoff from 100 ms doubling up to 5 s, forever, by jnats's
 * own reconnect loop; so is a server lost later. Whoever needs the connection registers to hear
 * when it is up.
 */
final class NatsLink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NatsLink.class);
  private static final long FIRST_WAIT_MILLIS = 100;
  private static final long LONGEST_WAIT_MILLIS = 5000;

  private final List<String> urls;
  private final List<Consumer<Connection>> onUp = new CopyOnWriteArrayList<>();
  private final MetricsTracker metrics;
  private volatile Connection connection;

  /** The connection jnats is still trying to make, known from its first report; to close. */
  private volatile Connection trying;

  private volatile boolean up;
  private volatile boolean warned;
  private volatile boolean closed;

  NatsLink(FederationSettings settings, String nodeName, MetricsTracker metrics) {
    this.urls = settings.natsUrls();
    this.metrics = metrics;
    Options options = options(settings, nodeName);
    try {
      Nats.connectAsynchronously(options, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the NATS connection", e);
    }
  }

  /** Calls {@code action} with the connection each time it comes up (now too, if it is up). */
  void whenUp(Consumer<Connection> action) {
    onUp.add(action);
    Connection c = connection;
    if (up && c != null) {
      action.accept(c);
    }
  }

  boolean isUp() {
    return up;
  }

  /** The connection, or null before it was first made. */
  Connection connection() {
    return connection;
  }

  private Options options(FederationSettings s, String nodeName) {
    Options.Builder b =
        new Options.Builder()
            .servers(s.natsUrls().toArray(String[]::new))
            .connectionName("heliosdb " + nodeName)
            // NATS core never hands this connection its own publications back.
            .noEcho()
            .maxReconnects(-1)
            .reconnectDelayHandler(NatsLink::backoff)
            .reconnectBufferSize(256 * 1024)
            .connectionListener(this::event)
            .errorListener(new Errors());
    if (s.credentialsFile() != null) {
      b.authHandler(Nats.credentials(s.credentialsFile()));
    } else if (s.user() != null) {
      b.userInfo(s.user(), s.password());
    } else if (s.token() != null) {
      b.token(s.token().toCharArray());
    }
    if (s.tlsKeystore() != null) {
      b.keystorePath(s.tlsKeystore());
      b.keystorePassword(chars(s.tlsKeystorePassword()));
    }
    if (s.tlsTruststore() != null) {
      b.truststorePath(s.tlsTruststore());
      b.truststorePassword(chars(s.tlsTruststorePassword()));
    }
    if (s.tls() && s.tlsKeystore() == null && s.tlsTruststore() == null) {
      try {
        b.secure();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("this JVM has no TLS: " + e.getMessage(), e);
      }
    }
    return b.build();
  }

  private static char[] chars(String s) {
    return s == null ? new char[0] : s.toCharArray();
  }

  static Duration backoff(long tries) {
    long wait = FIRST_WAIT_MILLIS << Math.min(Math.max(tries - 1, 0), 10);
    return Duration.ofMillis(Math.min(wait, LONGEST_WAIT_MILLIS));
  }

  private void event(Connection conn, ConnectionListener.Events type) {
    if (closed) {
      closeLater(conn); // it came up after all, too late
      return;
    }
    switch (type) {
      case CONNECTED, RECONNECTED -> {
        connection = conn;
        up = true;
        warned = false;
        log.info("federation: connected to NATS at {}", conn.getConnectedUrl());
        if (type == ConnectionListener.Events.RECONNECTED) {
          metrics.federation(FederationEvent.RECONNECTED);
        }
        for (Consumer<Connection> a : onUp) {
          try {
            a.accept(conn);
          } catch (RuntimeException e) {
            log.warn("federation: after connecting", e);
          }
        }
      }
      case DISCONNECTED -> {
        // Reported again for each failed attempt: warn once, when the link goes down.
        if (up) {
          log.warn("federation: lost NATS; working locally, retrying with backoff (up to 5 s)");
        }
        up = false;
      }
      case CLOSED -> up = false;
      default -> {}
    }
  }

  /** jnats reports every failed attempt: the first is worth a warning, the rest are noise. */
  private final class Errors implements ErrorListener {
    @Override
    public void exceptionOccurred(Connection conn, Exception e) {
      trying = conn;
      if (closed) {
        closeLater(conn);
        return;
      }
      if (!up && !warned) {
        warned = true;
        log.warn(
            "federation: cannot reach NATS at {} ({}); working locally, retrying with backoff",
            urls,
            e.toString());
      } else {
        log.debug("federation: NATS", e);
      }
    }

    @Override
    public void errorOccurred(Connection conn, String error) {
      log.warn("federation: NATS says: {}", error);
    }
  }

  /** Closed from a thread of its own: jnats's callbacks run on threads its close waits for. */
  private static void closeLater(Connection conn) {
    if (conn != null && conn.getStatus() != Connection.Status.CLOSED) {
      Thread t = new Thread(() -> closeNow(conn), "heliosdb-nats-close");
      t.setDaemon(true);
      t.start();
    }
  }

  private static void closeNow(Connection conn) {
    try {
      conn.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    up = false;
    Connection c = connection != null ? connection : trying;
    if (c != null) {
      if (c.getStatus() == Connection.Status.CONNECTED) {
        try {
          c.flush(Duration.ofSeconds(2)); // what was published goes out before the socket closes
        } catch (TimeoutException | IllegalStateException e) {
          log.debug("federation: flushing at close", e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      closeNow(c);
    }
  }
}
