package io.heliosdb.nano.wire;

import io.heliosdb.nano.config.ConfigException;
import io.heliosdb.nano.config.DidYouMean;
import io.heliosdb.nano.wire.auth.Authentication;
import io.heliosdb.nano.wire.auth.Scram;
import io.heliosdb.nano.wire.auth.Tls;
import io.heliosdb.nano.wire.limits.MemoryBudget;
import io.heliosdb.nano.wire.limits.SessionLimits;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code [server]} section of heliosdb.toml, with command-line flags on top: where {@code
 * heliosdb serve} listens and how it authenticates. Validated and immutable once built.
 *
 * <p>The keys are documented in docs/server.md.
 */
public final class ServerConfig {
  static final List<String> KEYS =
      List.of(
          "listen",
          "port",
          "max_connections",
          "memory_limit_mb",
          "io_threads",
          "auth",
          "allow_trust_on_non_loopback",
          "tls_cert",
          "tls_key",
          "require_tls",
          "users",
          "authentication_timeout",
          "idle_session_timeout",
          "idle_in_transaction_session_timeout",
          "listener_stall_timeout",
          "tcp_keepalives_idle",
          "tcp_keepalives_interval",
          "tcp_keepalives_count");

  /** More event loops than this is a mistake on any machine we run on. */
  static final int MAX_IO_THREADS = 256;

  private final String listen;
  private final int port;
  private final int maxConnections;
  private final Integer memoryLimitMb;
  private final int ioThreads;
  private final Authentication authentication;
  private final boolean loopback;
  private final SslContext tls;
  private final boolean requireTls;
  private final List<String> warnings;
  private final SessionLimits limits;

  private ServerConfig(Builder b, Authentication authentication, boolean loopback, SslContext tls) {
    this.tls = tls;
    this.requireTls = b.requireTls;
    this.limits = b.limits;
    this.listen = b.listen;
    this.port = b.port;
    this.maxConnections = b.maxConnections;
    this.memoryLimitMb = b.memoryLimitMb;
    this.ioThreads = b.ioThreads;
    this.authentication = authentication;
    this.loopback = loopback;
    List<String> w = new ArrayList<>();
    if (!loopback && authentication.method() == Authentication.Method.TRUST) {
      w.add(
          "WARNING: trust authentication on "
              + listen
              + " (allow_trust_on_non_loopback = true): anyone who can reach this address"
              + " connects as any user");
    }
    this.warnings = Collections.unmodifiableList(w);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The [server] section of {@code file} (defaults when there is none); fails with file:line. */
  public static Builder load(Path file) {
    return ServerConfigFile.load(file);
  }

  public String listen() {
    return listen;
  }

  public int port() {
    return port;
  }

  public int maxConnections() {
    return maxConnections;
  }

  /** [server] memory_limit_mb, the whole budget in MiB; null when not given. */
  public Integer memoryLimitMb() {
    return memoryLimitMb;
  }

  /** [server] io_threads: event loops for the connections; 0 when not given (one per core). */
  public int ioThreads() {
    return ioThreads;
  }

  public Authentication authentication() {
    return authentication;
  }

  public boolean loopback() {
    return loopback;
  }

  /** The server's TLS context; null without TLS. */
  public SslContext tls() {
    return tls;
  }

  public boolean requireTls() {
    return requireTls;
  }

  /** Timeouts and TCP keepalives. */
  public SessionLimits limits() {
    return limits;
  }

  /** Lines to print at start (trust on a non-loopback address). */
  public List<String> warnings() {
    return warnings;
  }

  /** The wire server's options: these, with the given message limit. */
  public WireServer.Options options(int maxMessageBytes) {
    return new WireServer.Options(
            listen, port, maxConnections, maxMessageBytes, authentication, tls, requireTls, limits)
        .withIoThreads(ioThreads);
  }

  /**
   * What the start line says, e.g. "trust authentication, loopback only" or "scram-sha-256
   * authentication, TLS".
   */
  public String describe() {
    return authentication.method().configName()
        + " authentication"
        + (loopback && authentication.method() == Authentication.Method.TRUST
            ? ", loopback only"
            : "")
        + (tls == null ? "" : requireTls ? ", TLS required" : ", TLS");
  }

  /** Settings from the file, then the flags; {@link #build()} validates them together. */
  public static final class Builder {
    private String listen = "127.0.0.1";
    private int port = WireServer.Options.DEFAULT_PORT;
    private int maxConnections = WireServer.Options.DEFAULT_MAX_CONNECTIONS;
    private Integer memoryLimitMb;
    private int ioThreads;
    private String auth = Authentication.Method.TRUST.configName();
    private boolean allowTrustOnNonLoopback;
    private Path tlsCert;
    private Path tlsKey;
    String tlsCertWhere; // "file:line: server.tls_cert" when read from the file
    String tlsKeyWhere;
    private boolean requireTls;
    private final Map<String, Scram.Verifier> users = new LinkedHashMap<>();
    SessionLimits limits = SessionLimits.DEFAULTS;

    private Builder() {}

    /** Timeouts and keepalives (the file's keys are read into these). */
    public Builder limits(SessionLimits limits) {
      this.limits = limits;
      return this;
    }

    public Builder listen(String listen) {
      this.listen = listen;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder maxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
      return this;
    }

    /** The whole memory budget of heliosdb serve, MiB ({@link MemoryBudget}); null: derived. */
    public Builder memoryLimitMb(Integer mb) {
      this.memoryLimitMb = mb;
      return this;
    }

    /**
     * Event loops for the connections' I/O and the short statements that run on them (LISTEN,
     * NOTIFY...); 0: one per core.
     */
    public Builder ioThreads(int threads) {
      this.ioThreads = threads;
      return this;
    }

    /** "trust" or "scram-sha-256". */
    public Builder auth(String auth) {
      this.auth = auth;
      return this;
    }

    public Builder allowTrustOnNonLoopback(boolean allow) {
      this.allowTrustOnNonLoopback = allow;
      return this;
    }

    /** The PEM certificate chain; a flag's path (relative to the working directory). */
    public Builder tlsCert(Path file) {
      this.tlsCert = file;
      this.tlsCertWhere = null;
      return this;
    }

    /** The PEM private key (PKCS#8); a flag's path (relative to the working directory). */
    public Builder tlsKey(Path file) {
      this.tlsKey = file;
      this.tlsKeyWhere = null;
      return this;
    }

    public Builder requireTls(boolean require) {
      this.requireTls = require;
      return this;
    }

    public Builder user(String name, Scram.Verifier verifier) {
      users.put(name, verifier);
      return this;
    }

    /** Checks one setting alone; the message starts with its value. */
    void check(String key) {
      switch (key) {
        case "listen" -> {
          if (listen.isBlank()) {
            throw new ConfigException("\"\" must not be empty");
          }
        }
        case "port" -> {
          if (port < 0 || port > 65535) {
            throw new ConfigException(port + " is out of range: must be between 0 and 65535");
          }
        }
        case "max_connections" -> {
          if (maxConnections < 1) {
            throw new ConfigException(maxConnections + " is out of range: must be at least 1");
          }
        }
        case "io_threads" -> {
          if (ioThreads < 0 || ioThreads > MAX_IO_THREADS) {
            throw new ConfigException(
                ioThreads
                    + " is out of range: must be from 1 to "
                    + MAX_IO_THREADS
                    + " (0: one per core)");
          }
        }
        case "memory_limit_mb" -> {
          if (memoryLimitMb != null
              && (memoryLimitMb < MemoryBudget.MIN_TOTAL_MB
                  || memoryLimitMb > MemoryBudget.MAX_TOTAL_MB)) {
            throw new ConfigException(
                memoryLimitMb
                    + " is out of range: must be from "
                    + MemoryBudget.MIN_TOTAL_MB
                    + " to "
                    + MemoryBudget.MAX_TOTAL_MB
                    + " (MiB)");
          }
        }
        case "auth" -> {
          if (Authentication.Method.of(auth) == null) {
            throw new ConfigException(
                "\""
                    + auth
                    + "\" is not supported: use \"trust\" or \"scram-sha-256\""
                    + DidYouMean.suggest(auth, List.of("trust", "scram-sha-256")));
          }
        }
        default -> {}
      }
    }

    /**
     * Validates everything: ranges, the auth method, users for SCRAM, and a non-loopback address
     * only with SCRAM (or trust explicitly allowed). Messages are one line.
     */
    public ServerConfig build() {
      for (String key :
          List.of("listen", "port", "max_connections", "memory_limit_mb", "io_threads")) {
        try {
          check(key);
        } catch (ConfigException e) {
          throw new ConfigException(key.replace('_', '-') + " " + e.getMessage());
        }
      }
      Authentication.Method method = Authentication.Method.of(auth);
      if (method == null) {
        throw new ConfigException(
            "auth \""
                + auth
                + "\" is not supported: use trust or scram-sha-256"
                + DidYouMean.suggest(auth, List.of("trust", "scram-sha-256")));
      }
      if (method == Authentication.Method.SCRAM_SHA_256 && users.isEmpty()) {
        throw new ConfigException(
            "auth scram-sha-256 needs users: add name = \"SCRAM-SHA-256$...\" lines to"
                + " [server.users] (heliosdb passwd NAME prints one)");
      }
      boolean loopback;
      try {
        loopback = InetAddress.getByName(listen).isLoopbackAddress();
      } catch (UnknownHostException e) {
        throw new ConfigException("listen address " + listen + ": unknown host");
      }
      if (!loopback && method == Authentication.Method.TRUST && !allowTrustOnNonLoopback) {
        throw new ConfigException(
            "listen address "
                + listen
                + " is not a loopback address: trust authentication (no password) serves"
                + " loopback addresses only; use auth = \"scram-sha-256\" (--auth scram-sha-256)"
                + " with [server.users], or set allow_trust_on_non_loopback = true");
      }
      Authentication a =
          method == Authentication.Method.TRUST
              ? Authentication.trust()
              : Authentication.scram(users);
      limits.checkPlatform();
      return new ServerConfig(this, a, loopback, tls());
    }

    /** The TLS context from tls_cert and tls_key (both or neither); null without TLS. */
    private SslContext tls() {
      if ((tlsCert == null) != (tlsKey == null)) {
        String where = tlsCert == null ? tlsKeyWhere : tlsCertWhere;
        String given = tlsCert == null ? "tls_key" : "tls_cert";
        String missing = tlsCert == null ? "tls_cert" : "tls_key";
        throw new ConfigException(
            (where == null ? "--" + given.replace('_', '-') : where)
                + " is given without "
                + missing
                + ": TLS needs both the certificate (tls_cert, --tls-cert) and its private key"
                + " (tls_key, --tls-key)");
      }
      if (tlsCert == null) {
        if (requireTls) {
          throw new ConfigException(
              "require_tls = true needs TLS: set tls_cert and tls_key (--tls-cert, --tls-key)");
        }
        return null;
      }
      return Tls.serverContext(tlsCert, tlsKey);
    }
  }
}
