package io.heliosdb.nano.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code [federation]}: the NATS servers this node shares channels through, which channels, and how
 * it authenticates (docs/federation.md). {@link #NONE} (no section) connects to nothing. Build one
 * with {@link #builder()}; {@link Builder#build()} validates, each message starting with the key.
 */
public final class FederationSettings {
  /** No federation: nothing connects. */
  public static final FederationSettings NONE = new FederationSettings(new Builder(), false);

  private static final Set<String> SCHEMES = Set.of("nats", "tls", "ws", "wss", "opentls");

  private final boolean enabled;
  private final List<String> natsUrls;
  private final ChannelPatterns channels;
  private final String subjectPrefix;
  private final String stream;
  private final String credentialsFile;
  private final String user;
  private final String password;
  private final String token;
  private final boolean tls;
  private final String tlsKeystore;
  private final String tlsKeystorePassword;
  private final String tlsTruststore;
  private final String tlsTruststorePassword;
  private final int outgoingQueueSize;

  private FederationSettings(Builder b, boolean enabled) {
    this.enabled = enabled;
    this.natsUrls = List.copyOf(b.natsUrls);
    this.channels = ChannelPatterns.of(b.channels);
    this.subjectPrefix = b.subjectPrefix;
    this.stream = b.stream != null ? b.stream : streamFor(b.subjectPrefix);
    this.credentialsFile = b.credentialsFile;
    this.user = b.user;
    this.password = b.password;
    this.token = b.token;
    this.tls = b.tls;
    this.tlsKeystore = b.tlsKeystore;
    this.tlsKeystorePassword = b.tlsKeystorePassword;
    this.tlsTruststore = b.tlsTruststore;
    this.tlsTruststorePassword = b.tlsTruststorePassword;
    this.outgoingQueueSize = b.outgoingQueueSize;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings, to change some. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.natsUrls = natsUrls;
    b.channels = channels.patterns();
    b.subjectPrefix = subjectPrefix;
    b.stream = stream;
    b.credentialsFile = credentialsFile;
    b.user = user;
    b.password = password;
    b.token = token;
    b.tls = tls;
    b.tlsKeystore = tlsKeystore;
    b.tlsKeystorePassword = tlsKeystorePassword;
    b.tlsTruststore = tlsTruststore;
    b.tlsTruststorePassword = tlsTruststorePassword;
    b.outgoingQueueSize = outgoingQueueSize;
    return b;
  }

  /** Whether [federation] was given: only then does the database connect to NATS. */
  public boolean enabled() {
    return enabled;
  }

  /** The NATS servers to connect to (any one; NATS learns the rest of a cluster from it). */
  public List<String> natsUrls() {
    return natsUrls;
  }

  /** The channels shared with other nodes; the others stay local. */
  public ChannelPatterns channels() {
    return channels;
  }

  /** The first tokens of every subject this node publishes and subscribes to. */
  public String subjectPrefix() {
    return subjectPrefix;
  }

  /** The JetStream stream that keeps durable federated channels (by default from the prefix). */
  public String stream() {
    return stream;
  }

  /** A NATS credentials file (JWT and NKey seed), or null. */
  public String credentialsFile() {
    return credentialsFile;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  public String token() {
    return token;
  }

  /** Whether TLS is required even for {@code nats://} URLs ({@code tls://} URLs always use it). */
  public boolean tls() {
    return tls;
  }

  public String tlsKeystore() {
    return tlsKeystore;
  }

  public String tlsKeystorePassword() {
    return tlsKeystorePassword;
  }

  public String tlsTruststore() {
    return tlsTruststore;
  }

  public String tlsTruststorePassword() {
    return tlsTruststorePassword;
  }

  /** Committed notifications waiting to go out; beyond it they are dropped and counted. */
  public int outgoingQueueSize() {
    return outgoingQueueSize;
  }

  @Override
  public String toString() {
    return enabled
        ? "FederationSettings{natsUrls="
            + natsUrls
            + ", channels="
            + channels
            + ", subjectPrefix="
            + subjectPrefix
            + ", stream="
            + stream
            + "}"
        : "FederationSettings{off}";
  }

  /** "heliosdb" gives "HELIOSDB", "acme.site-1" gives "ACME_SITE-1": a valid stream name. */
  private static String streamFor(String prefix) {
    return prefix.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_-]", "_");
  }

  /** Collects settings; {@link #build()} validates them. */
  public static final class Builder {
    private List<String> natsUrls = List.of("nats://127.0.0.1:4222");
    private List<String> channels = List.of();
    private String subjectPrefix = "heliosdb";
    private String stream;
    private String credentialsFile;
    private String user;
    private String password;
    private String token;
    private boolean tls;
    private String tlsKeystore;
    private String tlsKeystorePassword;
    private String tlsTruststore;
    private String tlsTruststorePassword;
    private int outgoingQueueSize = 10_000;

    private Builder() {}

    /**
     * One NATS URL or several, e.g. {@code nats://10.0.0.5:4222} (default nats://127.0.0.1:4222).
     */
    public Builder natsUrls(List<String> urls) {
      this.natsUrls = List.copyOf(urls);
      return this;
    }

    public Builder natsUrl(String url) {
      return natsUrls(List.of(url));
    }

    /** The shared channels: names and globs, as durable_channels takes them. */
    public Builder channels(String... patterns) {
      this.channels = List.of(patterns);
      return this;
    }

    public Builder subjectPrefix(String prefix) {
      this.subjectPrefix = prefix;
      return this;
    }

    public Builder stream(String stream) {
      this.stream = stream;
      return this;
    }

    public Builder credentialsFile(String file) {
      this.credentialsFile = file;
      return this;
    }

    public Builder user(String user, String password) {
      this.user = user;
      this.password = password;
      return this;
    }

    Builder user(String user) {
      this.user = user;
      return this;
    }

    Builder password(String password) {
      this.password = password;
      return this;
    }

    public Builder token(String token) {
      this.token = token;
      return this;
    }

    public Builder tls(boolean tls) {
      this.tls = tls;
      return this;
    }

    public Builder tlsKeystore(String path, String password) {
      this.tlsKeystore = path;
      this.tlsKeystorePassword = password;
      return this;
    }

    public Builder tlsTruststore(String path, String password) {
      this.tlsTruststore = path;
      this.tlsTruststorePassword = password;
      return this;
    }

    Builder tlsKeystore(String path) {
      this.tlsKeystore = path;
      return this;
    }

    Builder tlsKeystorePassword(String password) {
      this.tlsKeystorePassword = password;
      return this;
    }

    Builder tlsTruststore(String path) {
      this.tlsTruststore = path;
      return this;
    }

    Builder tlsTruststorePassword(String password) {
      this.tlsTruststorePassword = password;
      return this;
    }

    public Builder outgoingQueueSize(int size) {
      this.outgoingQueueSize = size;
      return this;
    }

    /** Validated settings; federation is on. */
    public FederationSettings build() {
      if (natsUrls.isEmpty()) {
        throw new ConfigException("nats_url must name at least one NATS server");
      }
      for (String url : natsUrls) {
        checkUrl(url);
      }
      if (channels.isEmpty()) {
        throw new ConfigException(
            "channels must name at least one channel to share, e.g. [\"alerts\", \"orders.*\"]");
      }
      for (String p : channels) {
        if (p == null || p.isEmpty()) {
          throw new ConfigException("channels: a channel pattern must not be empty");
        }
      }
      if (!subjectPrefix.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*")) {
        throw new ConfigException(
            "subject_prefix = \""
                + subjectPrefix
                + "\" is not a NATS subject: tokens of letters, digits, _ and -, joined by dots");
      }
      if (stream != null && !stream.matches("[A-Za-z0-9_-]+")) {
        throw new ConfigException(
            "stream = \"" + stream + "\" is not a JetStream stream name: letters, digits, _, -");
      }
      if ((user == null) != (password == null)) {
        throw new ConfigException(
            (user == null ? "nats_password" : "nats_user")
                + " is given without "
                + (user == null ? "nats_user" : "nats_password")
                + ": give both");
      }
      int ways =
          (user != null ? 1 : 0) + (token != null ? 1 : 0) + (credentialsFile != null ? 1 : 0);
      if (ways > 1) {
        throw new ConfigException(
            (token != null ? "token" : "credentials_file")
                + ": give one way to authenticate: credentials_file, nats_user and nats_password,"
                + " or token");
      }
      readable("credentials_file", credentialsFile);
      readable("tls_keystore", tlsKeystore);
      readable("tls_truststore", tlsTruststore);
      if (outgoingQueueSize < 1 || outgoingQueueSize > 1_000_000) {
        throw new ConfigException(
            "outgoing_queue_size = "
                + outgoingQueueSize
                + " is out of range: must be from 1 to 1000000");
      }
      return new FederationSettings(this, true);
    }

    private static void checkUrl(String url) {
      String problem = null;
      try {
        URI uri = new URI(url.contains("://") ? url : "nats://" + url);
        if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme())) {
          problem = "the scheme must be nats://, tls://, ws:// or wss://";
        } else if (uri.getHost() == null) {
          problem = "it names no host";
        }
      } catch (URISyntaxException e) {
        problem = e.getReason();
      }
      if (problem != null) {
        throw new ConfigException("nats_url = \"" + url + "\" is not a NATS URL: " + problem);
      }
    }

    private static void readable(String key, String file) {
      if (file != null && !Files.isReadable(Path.of(file))) {
        throw new ConfigException(key + " = \"" + file + "\": no such readable file");
      }
    }
  }
}
