package io.heliosdb.nano.http;

import io.heliosdb.nano.config.ChannelPatterns;
import io.heliosdb.nano.config.ConfigException;
import io.heliosdb.nano.config.Durations;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The [http] section of heliosdb.toml: where the HTTP gateway listens, who may use it (bearer
 * tokens with channel allowlists, anonymous access), CORS, and the limits of its streams. Flags of
 * {@code heliosdb serve} override it through the {@link Builder}.
 */
public final class HttpConfig {
  public static final int DEFAULT_PORT = 54321;

  /**
   * Half the wire's 60 s to authenticate: a head of a few KiB or a body under max_payload_bytes
   * takes a client that sends at all well under a second (docs/http.md says why).
   */
  static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** The keys of [http], in the order the documentation lists them. */
  public static final List<String> KEYS =
      List.of(
          "enabled",
          "listen",
          "port",
          "max_connections",
          "allow_anonymous",
          "cors_allowed_origins",
          "allowed_hosts",
          "queue_size",
          "heartbeat_interval",
          "stall_timeout",
          "request_head_timeout",
          "request_body_timeout",
          "max_header_bytes",
          "static_dir",
          "tokens");

  /** A configured bearer token: the SHA-256 of the token, and what it may do. */
  record Token(String name, byte[] sha256, ChannelPatterns subscribe, ChannelPatterns publish) {}

  private final boolean enabled;
  private final String listen;
  private final int port;
  private final int maxConnections;
  private final boolean anonymous;
  private final boolean loopback;
  private final List<String> corsAllowedOrigins;
  private final List<String> allowedHosts;
  private final int queueSize;
  private final Duration heartbeat;
  private final Duration stallTimeout;
  private final Duration requestHeadTimeout;
  private final Duration requestBodyTimeout;
  private final int maxHeaderBytes;
  private final Path staticDir;
  private final List<Token> tokens;

  private HttpConfig(Builder b, boolean loopback) {
    this.enabled = b.enabled;
    this.listen = b.listen;
    this.port = b.port;
    this.maxConnections = b.maxConnections;
    this.loopback = loopback;
    this.anonymous = b.allowAnonymous != null ? b.allowAnonymous : b.tokens.isEmpty() && loopback;
    this.corsAllowedOrigins = List.copyOf(b.cors);
    this.allowedHosts = List.copyOf(b.allowedHosts);
    this.queueSize = b.queueSize;
    this.heartbeat = b.heartbeat;
    this.stallTimeout = b.stallTimeout;
    this.requestHeadTimeout = b.requestHeadTimeout;
    this.requestBodyTimeout = b.requestBodyTimeout;
    this.maxHeaderBytes = b.maxHeaderBytes;
    this.staticDir = b.staticDir;
    this.tokens = List.copyOf(b.tokens.values());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The [http] section of {@code file} (defaults when there is none); fails with file:line. */
  public static Builder load(Path file) {
    return HttpConfigFile.load(file);
  }

  /** False with {@code enabled = false} or {@code --no-http}: no HTTP port at all. */
  public boolean enabled() {
    return enabled;
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

  /** Whether requests without a token may subscribe and publish on every channel. */
  public boolean anonymous() {
    return anonymous;
  }

  public boolean loopback() {
    return loopback;
  }

  public List<String> corsAllowedOrigins() {
    return corsAllowedOrigins;
  }

  /** Host names answered besides localhost, addresses and listen; see {@link AllowedHosts}. */
  public List<String> allowedHosts() {
    return allowedHosts;
  }

  /** Notifications one stream queues for a slow client before it drops and reports overflow. */
  public int queueSize() {
    return queueSize;
  }

  public Duration heartbeat() {
    return heartbeat;
  }

  /** How long a stream whose queue overflowed may go on not reading; 0: for ever. */
  public Duration stallTimeout() {
    return stallTimeout;
  }

  /** For a request's head, from connecting or from the previous answer (kept-alive idle). */
  public Duration requestHeadTimeout() {
    return requestHeadTimeout;
  }

  /** How long a client has to send a request's body once its head has arrived. */
  public Duration requestBodyTimeout() {
    return requestBodyTimeout;
  }

  public int maxHeaderBytes() {
    return maxHeaderBytes;
  }

  /** The directory whose files the gateway serves at the paths the API does not use, or null. */
  public Path staticDir() {
    return staticDir;
  }

  List<Token> tokens() {
    return tokens;
  }

  /** What the start line says, e.g. "anonymous access, loopback only" or "2 bearer tokens". */
  public String describe() {
    String who =
        tokens.isEmpty()
            ? "no tokens"
            : tokens.size() + " bearer token" + (tokens.size() == 1 ? "" : "s");
    if (anonymous) {
      who = tokens.isEmpty() ? "anonymous access" : who + ", anonymous access";
    }
    return loopback ? who + ", loopback only" : who;
  }

  /** Settings, validated by {@link #build()}. */
  public static final class Builder {
    private boolean enabled = true;
    private String listen = "127.0.0.1";
    private int port = DEFAULT_PORT;
    private int maxConnections = 1000;
    private Boolean allowAnonymous;
    private List<String> cors = List.of();
    private List<String> allowedHosts = List.of();
    private int queueSize = 1024;
    private Duration heartbeat = Duration.ofSeconds(15);
    private Duration stallTimeout = Duration.ofSeconds(60);
    private Duration requestHeadTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration requestBodyTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int maxHeaderBytes = 8192;
    private Path staticDir;
    private final Map<String, Token> tokens = new LinkedHashMap<>();

    private Builder() {}

    public Builder enabled(boolean on) {
      this.enabled = on;
      return this;
    }

    public Builder listen(String address) {
      this.listen = address;
      return this;
    }

    public Builder port(int p) {
      this.port = p;
      return this;
    }

    public Builder maxConnections(int n) {
      this.maxConnections = n;
      return this;
    }

    public Builder allowAnonymous(boolean allow) {
      this.allowAnonymous = allow;
      return this;
    }

    public Builder corsAllowedOrigins(List<String> origins) {
      this.cors = List.copyOf(origins);
      return this;
    }

    /** Host names requests may give besides localhost, IP addresses and the listen address. */
    public Builder allowedHosts(List<String> hosts) {
      this.allowedHosts = List.copyOf(hosts);
      return this;
    }

    public Builder queueSize(int n) {
      this.queueSize = n;
      return this;
    }

    public Builder heartbeat(Duration interval) {
      this.heartbeat = interval;
      return this;
    }

    public Builder stallTimeout(Duration timeout) {
      this.stallTimeout = timeout;
      return this;
    }

    public Builder requestHeadTimeout(Duration timeout) {
      this.requestHeadTimeout = timeout;
      return this;
    }

    public Builder requestBodyTimeout(Duration timeout) {
      this.requestBodyTimeout = timeout;
      return this;
    }

    public Builder maxHeaderBytes(int n) {
      this.maxHeaderBytes = n;
      return this;
    }

    /** Serves the files of {@code dir} (a dashboard, say); null: none. */
    public Builder staticDir(Path dir) {
      this.staticDir = dir;
      return this;
    }

    /**
     * A bearer token, given by the hex SHA-256 of its text, that may subscribe to and publish on
     * the channels its lists match (names or globs: {@code *} any characters, {@code ?} one).
     */
    public Builder token(
        String name, String sha256Hex, List<String> subscribe, List<String> publish) {
      if (sha256Hex == null || !sha256Hex.matches("[0-9a-fA-F]{64}")) {
        throw new ConfigException(
            "token_sha256 must be 64 hex digits, the SHA-256 of the token"
                + " (printf %s \"$TOKEN\" | sha256sum)");
      }
      for (String p : concat(subscribe, publish)) {
        if (p == null || p.isEmpty()) {
          throw new ConfigException("a channel pattern must not be empty");
        }
      }
      tokens.put(
          name,
          new Token(
              name,
              HexFormat.of().parseHex(sha256Hex.toLowerCase(java.util.Locale.ROOT)),
              ChannelPatterns.of(subscribe),
              ChannelPatterns.of(publish)));
      return this;
    }

    private static List<String> concat(List<String> a, List<String> b) {
      List<String> all = new ArrayList<>(a);
      all.addAll(b);
      return all;
    }

    /** Checks the value of {@code key} just set (for file:line messages); throws if wrong. */
    void check(String key) {
      switch (key) {
        case "port" -> {
          if (port < 0 || port > 65535) {
            throw new ConfigException(port + " is out of range: must be 0 to 65535");
          }
        }
        case "max_connections" -> atLeast(maxConnections, 1);
        case "queue_size" -> atLeast(queueSize, 1);
        case "max_header_bytes" -> atLeast(maxHeaderBytes, 1024);
        case "heartbeat_interval" -> {
          if (heartbeat.toMillis() < 100) {
            throw new ConfigException(
                Durations.format(heartbeat) + " is out of range: must be 100ms or more");
          }
        }
        case "allowed_hosts" -> allowedHosts.forEach(AllowedHosts::checkEntry);
        case "stall_timeout" -> {
          if (stallTimeout.isNegative()) {
            throw new ConfigException("must not be negative");
          }
        }
        case "request_head_timeout" -> requestTimeout(requestHeadTimeout);
        case "request_body_timeout" -> requestTimeout(requestBodyTimeout);
        case "static_dir" -> {
          if (staticDir != null && !java.nio.file.Files.isDirectory(staticDir)) {
            throw new ConfigException("\"" + staticDir + "\" is not a directory");
          }
        }
        default -> {
          // nothing to check
        }
      }
    }

    private static void requestTimeout(Duration d) {
      if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofSeconds(600)) > 0) {
        throw new ConfigException(
            Durations.format(d) + " is out of range: must be between 1s and 600s");
      }
    }

    private static void atLeast(int value, int min) {
      if (value < min) {
        throw new ConfigException(value + " is out of range: must be at least " + min);
      }
    }

    /** Validates everything: ranges, and that a non-loopback address has access rules. */
    public HttpConfig build() {
      for (String key : KEYS) {
        try {
          check(key);
        } catch (ConfigException e) {
          throw new ConfigException("http." + key + " = " + e.getMessage());
        }
      }
      boolean loopback = isLoopback(listen);
      if (enabled && !loopback && tokens.isEmpty() && allowAnonymous == null) {
        throw new ConfigException(
            "http.listen = \""
                + listen
                + "\" is not a loopback address: give [http.tokens], or allow_anonymous = true"
                + " to let anyone who can reach it subscribe and publish");
      }
      return new HttpConfig(this, loopback);
    }

    private static boolean isLoopback(String host) {
      try {
        for (InetAddress a : InetAddress.getAllByName(host)) {
          if (!a.isLoopbackAddress()) {
            return false;
          }
        }
        return true;
      } catch (UnknownHostException e) {
        throw new ConfigException("http.listen = \"" + host + "\" is not a known address");
      }
    }
  }

  @Override
  public String toString() {
    return "HttpConfig{"
        + listen
        + ":"
        + port
        + (enabled ? "" : ", disabled")
        + ", "
        + describe()
        + ", tokens="
        + Collections.unmodifiableList(tokens.stream().map(Token::name).toList())
        + "}";
  }
}
