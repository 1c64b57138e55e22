package io.heliosdb.nano.config;

import io.heliosdb.nano.metrics.DefaultMetrics;
import io.heliosdb.nano.metrics.MetricsTracker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Validated, immutable settings of one database. Build one with {@link #builder()} or load one from
 * {@code heliosdb.toml} with {@link #load(Path)}; every setting has a default that serves a first
 * run.
 */
public final class HeliosConfig {
  /** PostgreSQL's limit: a payload must be shorter than 8000 bytes. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 8000;

  /**
   * notification_queue_bytes by default: 4 MiB, some 11,000 notifications of 100 characters or 260
   * of 8,000 (a character counted as two bytes, see docs/notifications.md).
   */
  public static final long DEFAULT_NOTIFICATION_QUEUE_BYTES = 4L << 20;

  /** The least notification_queue_bytes accepted; also at least 4 x max_payload_bytes. */
  private static final long MIN_NOTIFICATION_QUEUE_BYTES = 64L << 10;

  /**
   * The SLF4J logger that [monitoring] verbose_logging writes to, at DEBUG: one line per
   * notification sent and per notification delivered.
   */
  public static final String NOTIFICATIONS_LOGGER = "io.heliosdb.nano.notifications";

  private final Path path;
  private final int memoryLimitMb;
  private final boolean enableWal;
  private final Synchronous synchronous;
  private final int pageSize;
  private final int busyTimeoutMs;
  private final boolean pubsubEnabled;
  private final int maxChannels;
  private final int maxPayloadBytes;
  private final int notificationQueueSize;
  private final long notificationQueueBytes;
  private final long notificationQueueTotalBytes;
  private final boolean metricsEnabled;
  private final boolean metricsEnabledSet;
  private final MetricsTracker metrics;
  private final List<String> configuredDurableChannels;
  private final ChannelPatterns durableChannels;
  private final List<WorkflowStep> workflowSteps;
  private final Map<String, String> workflowActionSources;
  private final long retentionMaxCount;
  private final Duration retentionMaxAge;
  private final boolean crossProcess;
  private final boolean verboseLogging;
  private final boolean logPayloads;
  private final String deviceId;
  private final String location;
  private final FederationSettings federation;

  private HeliosConfig(Builder b) {
    this.path = b.path;
    this.memoryLimitMb = b.memoryLimitMb;
    this.enableWal = b.enableWal;
    this.synchronous = b.synchronous;
    this.pageSize = b.pageSize;
    this.busyTimeoutMs = b.busyTimeoutMs;
    this.pubsubEnabled = b.pubsubEnabled;
    this.maxChannels = b.maxChannels;
    this.maxPayloadBytes = b.maxPayloadBytes;
    this.notificationQueueSize = b.notificationQueueSize;
    this.notificationQueueBytes = b.notificationQueueBytes;
    this.notificationQueueTotalBytes = b.notificationQueueTotalBytes;
    this.metricsEnabled = b.metricsEnabled;
    this.configuredDurableChannels = List.copyOf(b.durableChannels);
    this.workflowSteps = List.copyOf(b.workflowSteps);
    this.workflowActionSources = Map.copyOf(b.workflowActionSources);
    this.durableChannels = new ChannelPatterns(withStepChannels(b.durableChannels, workflowSteps));
    this.metricsEnabledSet = b.metricsEnabledSet;
    this.retentionMaxCount = b.retentionMaxCount;
    this.retentionMaxAge = b.retentionMaxAge;
    this.crossProcess = b.crossProcess;
    this.verboseLogging = b.verboseLogging;
    this.logPayloads = b.logPayloads;
    this.deviceId = b.deviceId;
    this.location = b.location;
    this.federation = b.federation;
    if (b.metrics != null) {
      this.metrics = b.metrics;
    } else {
      this.metrics = b.metricsEnabled ? new DefaultMetrics() : MetricsTracker.NOOP;
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Loads and validates a TOML file; a mistake fails with the line and key in the message. */
  public static HeliosConfig load(Path tomlFile) {
    return TomlConfigLoader.load(tomlFile).build();
  }

  /** A builder holding this configuration's values, to change a few of them. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.path = path;
    b.memoryLimitMb = memoryLimitMb;
    b.enableWal = enableWal;
    b.synchronous = synchronous;
    b.pageSize = pageSize;
    b.busyTimeoutMs = busyTimeoutMs;
    b.pubsubEnabled = pubsubEnabled;
    b.maxChannels = maxChannels;
    b.maxPayloadBytes = maxPayloadBytes;
    b.notificationQueueSize = notificationQueueSize;
    b.notificationQueueBytes = notificationQueueBytes;
    b.notificationQueueTotalBytes = notificationQueueTotalBytes;
    b.metricsEnabled = metricsEnabled;
    b.metricsEnabledSet = metricsEnabledSet;
    // Not set, the tracker is the no-op of the default: metricsEnabledIfUnset may still choose.
    b.metrics = metricsEnabledSet ? metrics : null;
    b.durableChannels = configuredDurableChannels;
    b.workflowSteps = new ArrayList<>(workflowSteps);
    b.workflowActionSources = new java.util.HashMap<>(workflowActionSources);
    b.retentionMaxCount = retentionMaxCount;
    b.retentionMaxAge = retentionMaxAge;
    b.crossProcess = crossProcess;
    b.verboseLogging = verboseLogging;
    b.logPayloads = logPayloads;
    b.deviceId = deviceId;
    b.location = location;
    b.federation = federation;
    return b;
  }

  /** The database file, or null for a private in-memory database. */
  public Path path() {
    return path;
  }

  public boolean inMemory() {
    return path == null;
  }

  public int memoryLimitMb() {
    return memoryLimitMb;
  }

  public boolean enableWal() {
    return enableWal;
  }

  /**
   * When a commit is on the disk: {@code PRAGMA synchronous} on every connection (FULL by default;
   * see docs/durability.md).
   */
  public Synchronous synchronous() {
    return synchronous;
  }

  public int pageSize() {
    return pageSize;
  }

  public int busyTimeoutMs() {
    return busyTimeoutMs;
  }

  public boolean pubsubEnabled() {
    return pubsubEnabled;
  }

  public int maxChannels() {
    return maxChannels;
  }

  public int maxPayloadBytes() {
    return maxPayloadBytes;
  }

  public int notificationQueueSize() {
    return notificationQueueSize;
  }

  /** What each subscriber's queue may hold, in bytes as estimated (see the builder). */
  public long notificationQueueBytes() {
    return notificationQueueBytes;
  }

  /** What all subscribers' queues may hold together, in bytes; 0 for no bound beyond each one's. */
  public long notificationQueueTotalBytes() {
    return notificationQueueTotalBytes;
  }

  /**
   * The least notification_queue_bytes accepted with {@code maxPayloadBytes}: 64 KiB, and two of
   * the largest notifications at two bytes a character.
   */
  public static long minNotificationQueueBytes(int maxPayloadBytes) {
    return Math.max(MIN_NOTIFICATION_QUEUE_BYTES, 4L * maxPayloadBytes);
  }

  public boolean metricsEnabled() {
    return metricsEnabled;
  }

  /**
   * Which channels are durable: kept in the database, resumable by id. Those of durable_channels,
   * and the trigger, next and dead-letter channels of the workflow steps. Empty by default.
   */
  public ChannelPatterns durableChannels() {
    return durableChannels;
  }

  /** The steps of {@code [workflow]}, in the file's order; empty by default. */
  public List<WorkflowStep> workflowSteps() {
    return workflowSteps;
  }

  /**
   * Where the {@code action} of the step called {@code step} is written, {@code file:line}, for
   * errors about it; null for a step that did not come from a file.
   */
  public String workflowActionSource(String step) {
    return workflowActionSources.get(step);
  }

  /** The durable-channel patterns with the channels of {@code steps} added after them. */
  private static List<String> withStepChannels(List<String> patterns, List<WorkflowStep> steps) {
    java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(patterns);
    for (WorkflowStep step : steps) {
      all.add(step.triggerChannel());
      if (step.nextChannel() != null) {
        all.add(step.nextChannel());
      }
      all.add(step.deadLetterChannel());
    }
    return List.copyOf(all);
  }

  /** The durable log keeps at most this many notifications (the newest). */
  public long retentionMaxCount() {
    return retentionMaxCount;
  }

  /** The durable log drops notifications older than this. */
  public Duration retentionMaxAge() {
    return retentionMaxAge;
  }

  /**
   * Whether every notification goes through the database file, so that other processes that open it
   * with this setting receive it too. False by default.
   */
  public boolean crossProcess() {
    return crossProcess;
  }

  /** Which notifications the engine writes to the log: the durable ones, or all. */
  public ChannelPatterns loggedChannels() {
    return crossProcess ? ChannelPatterns.ALL : durableChannels;
  }

  /**
   * Whether each notification sent and each delivered is logged at DEBUG to {@link
   * #NOTIFICATIONS_LOGGER}: channel, sender pid, payload size; for a delivery the subscriber and
   * the latency. False by default.
   */
  public boolean verboseLogging() {
    return verboseLogging;
  }

  /** Whether those lines carry the payload too (its first 200 characters); with verboseLogging. */
  public boolean logPayloads() {
    return logPayloads;
  }

  /**
   * [edge] device_id: this node's name as configured; null when not set (see {@link #nodeName}).
   */
  public String deviceId() {
    return deviceId;
  }

  /** [edge] location, a label; null when not set. */
  public String location() {
    return location;
  }

  /**
   * This node's name: the origin of its notifications ({@code Notification.origin()}) and the label
   * of its metrics. [edge] device_id, else the host's name (see {@link HostName}).
   */
  public String nodeName() {
    return deviceId != null ? deviceId : HostName.get();
  }

  /** [federation]: {@link FederationSettings#NONE} unless configured. */
  public FederationSettings federation() {
    return federation;
  }

  /** The tracker notifications are reported to; a no-op unless metrics are enabled or supplied. */
  public MetricsTracker metrics() {
    return metrics;
  }

  @Override
  public String toString() {
    return "HeliosConfig{path="
        + (path == null ? ":memory:" : path)
        + ", memoryLimitMb="
        + memoryLimitMb
        + ", enableWal="
        + enableWal
        + ", synchronous="
        + synchronous.configName()
        + ", pageSize="
        + pageSize
        + ", busyTimeoutMs="
        + busyTimeoutMs
        + ", pubsubEnabled="
        + pubsubEnabled
        + ", maxChannels="
        + maxChannels
        + ", maxPayloadBytes="
        + maxPayloadBytes
        + ", notificationQueueSize="
        + notificationQueueSize
        + ", notificationQueueBytes="
        + notificationQueueBytes
        + ", notificationQueueTotalBytes="
        + notificationQueueTotalBytes
        + ", metricsEnabled="
        + metricsEnabled
        + ", durableChannels="
        + durableChannels
        + ", retentionMaxCount="
        + retentionMaxCount
        + ", retentionMaxAge="
        + retentionMaxAge
        + ", crossProcess="
        + crossProcess
        + ", workflowSteps="
        + workflowSteps
        + ", verboseLogging="
        + verboseLogging
        + ", logPayloads="
        + logPayloads
        + (deviceId != null ? ", deviceId=" + deviceId : "")
        + (location != null ? ", location=" + location : "")
        + (federation.enabled() ? ", federation=" + federation : "")
        + "}";
  }

  /** Collects settings; {@link #build()} validates them all at once. */
  public static final class Builder {
    private Path path = Path.of("heliosdb.db");
    private int memoryLimitMb = 256;
    private boolean enableWal = true;
    private Synchronous synchronous = Synchronous.FULL;
    private int pageSize = 4096;
    private int busyTimeoutMs = 5000;
    private boolean pubsubEnabled = true;
    private int maxChannels = 100_000;
    private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
    private int notificationQueueSize = 65_536;
    private long notificationQueueBytes = DEFAULT_NOTIFICATION_QUEUE_BYTES;
    private long notificationQueueTotalBytes = 0;
    private boolean metricsEnabled = false;
    private boolean metricsEnabledSet;
    private MetricsTracker metrics;
    private List<String> durableChannels = List.of();
    private long retentionMaxCount = 1_000_000;
    private Duration retentionMaxAge = Duration.ofDays(7);
    private boolean crossProcess = false;
    private List<WorkflowStep> workflowSteps = new ArrayList<>();
    private boolean verboseLogging = false;
    private boolean logPayloads = false;
    private Map<String, String> workflowActionSources = new java.util.HashMap<>();
    private String deviceId;
    private String location;
    private FederationSettings federation = FederationSettings.NONE;

    /** The [federation] keys read so far from a file or URL; built in {@link #build()}. */
    private FederationSettings.Builder federationKeys;

    private Builder() {}

    /**
     * This node's name ([edge] device_id): the origin of its notifications in other nodes and the
     * label of its metrics. Default: the host's name.
     */
    public Builder deviceId(String deviceId) {
      this.deviceId = deviceId;
      return this;
    }

    /** Where this node is ([edge] location), a label. */
    public Builder location(String location) {
      this.location = location;
      return this;
    }

    /** Shares channels with other nodes through NATS (docs/federation.md). */
    public Builder federation(FederationSettings federation) {
      this.federation = Objects.requireNonNull(federation, "federation");
      this.federationKeys = null;
      return this;
    }

    /** For the file's and the URL's keys: any of them turns federation on. */
    FederationSettings.Builder federationKeys() {
      if (federationKeys == null) {
        federationKeys =
            federation.enabled() ? federation.toBuilder() : FederationSettings.builder();
      }
      return federationKeys;
    }

    /** The database file; {@code null} means a private in-memory database. */
    public Builder path(Path path) {
      this.path = path;
      return this;
    }

    /** A relative database path becomes relative to {@code dir} (a configuration file's). */
    void resolvePathAgainst(Path dir) {
      if (path != null && !path.isAbsolute()) {
        path = dir.resolve(path);
      }
    }

    public Builder inMemory() {
      this.path = null;
      return this;
    }

    /** Upper bound on SQLite's heap (page cache and everything else), in MiB. */
    public Builder memoryLimitMb(int mb) {
      this.memoryLimitMb = mb;
      return this;
    }

    public Builder enableWal(boolean enableWal) {
      this.enableWal = enableWal;
      return this;
    }

    /**
     * When a commit is on the disk (default {@link Synchronous#FULL}: every commit syncs the
     * write-ahead log before it returns). {@link Synchronous#NORMAL} commits faster and may lose
     * the last commits to a power loss; it needs WAL. See docs/durability.md.
     */
    public Builder synchronous(Synchronous synchronous) {
      this.synchronous = Objects.requireNonNull(synchronous, "synchronous");
      return this;
    }

    /** SQLite page size for a new database file: a power of two from 512 to 65536. */
    public Builder pageSize(int pageSize) {
      this.pageSize = pageSize;
      return this;
    }

    /** How long a statement waits for another connection's lock before failing with 55P03. */
    public Builder busyTimeoutMs(int busyTimeoutMs) {
      this.busyTimeoutMs = busyTimeoutMs;
      return this;
    }

    public Builder pubsubEnabled(boolean enabled) {
      this.pubsubEnabled = enabled;
      return this;
    }

    /** Most distinct channels that may have listeners at once in this database. */
    public Builder maxChannels(int maxChannels) {
      this.maxChannels = maxChannels;
      return this;
    }

    /** A payload must be shorter than this many UTF-8 bytes (PostgreSQL: 8000). */
    public Builder maxPayloadBytes(int maxPayloadBytes) {
      this.maxPayloadBytes = maxPayloadBytes;
      return this;
    }

    /** Capacity of each subscription's queue; beyond it notifications are dropped and reported. */
    public Builder notificationQueueSize(int size) {
      this.notificationQueueSize = size;
      return this;
    }

    /**
     * What each subscription's queue may hold in bytes (default 4 MiB); a notification that does
     * not fit is dropped and reported as when the queue is full. A notification counts its payload
     * and channel name at two bytes a character, plus 160 bytes of objects. At least 64 KiB and 4 x
     * max_payload_bytes.
     */
    public Builder notificationQueueBytes(long bytes) {
      this.notificationQueueBytes = bytes;
      return this;
    }

    /**
     * What the queues of all subscriptions may hold together, in bytes, counted as for {@link
     * #notificationQueueBytes}; beyond it notifications are dropped for whichever subscriber they
     * do not fit, and reported. 0 (the default) for no bound beyond each queue's; {@code heliosdb
     * serve} sets it from its memory budget.
     */
    public Builder notificationQueueTotalBytes(long bytes) {
      this.notificationQueueTotalBytes = bytes;
      return this;
    }

    public Builder metricsEnabled(boolean enabled) {
      this.metricsEnabled = enabled;
      this.metricsEnabledSet = true;
      return this;
    }

    /**
     * Metrics on or off unless {@link #metricsEnabled} or {@link #metrics} said (here or in the
     * configuration this builder came from): for a command whose default differs from the embedded
     * one ({@code heliosdb serve} turns them on). Then they count as set.
     */
    public Builder metricsEnabledIfUnset(boolean enabled) {
      if (!metricsEnabledSet) {
        metricsEnabled(enabled);
      }
      return this;
    }

    /**
     * Log each notification sent (committed, entering the hub) and each delivered (handed to a
     * subscriber) at DEBUG to {@link HeliosConfig#NOTIFICATIONS_LOGGER}: channel, sender pid and
     * payload size in UTF-8 bytes, and for a delivery the subscriber and the latency. Never the
     * payload unless {@link #logPayloads}. Off, it costs a test of a final field per notification.
     */
    public Builder verboseLogging(boolean verboseLogging) {
      this.verboseLogging = verboseLogging;
      return this;
    }

    /** With {@link #verboseLogging}: the lines carry the payload too, cut to 200 characters. */
    public Builder logPayloads(boolean logPayloads) {
      this.logPayloads = logPayloads;
      return this;
    }

    /**
     * Channels whose notifications are also written to the database in the sending transaction,
     * with an id that increases in commit order, so that a subscriber can resume: names or globs
     * ({@code *} any characters, {@code ?} one), e.g. {@code "orders"}, {@code "audit.*"}.
     */
    public Builder durableChannels(String... patterns) {
      this.durableChannels = List.of(patterns);
      return this;
    }

    /** Keep at most this many durable notifications (default 1,000,000). */
    public Builder retentionMaxCount(long count) {
      this.retentionMaxCount = count;
      return this;
    }

    /** Drop durable notifications older than this (default 7 days). */
    public Builder retentionMaxAge(Duration age) {
      this.retentionMaxAge = Objects.requireNonNull(age, "age");
      return this;
    }

    /**
     * Deliver notifications between processes that open the same database file: every notification
     * is then written to the file in its transaction (a row write each, pruned after {@code 30 s}
     * unless its channel is durable), and each process follows the file. Every process that should
     * take part opens the file with this set. Not for in-memory databases.
     */
    public Builder crossProcess(boolean crossProcess) {
      this.crossProcess = crossProcess;
      return this;
    }

    /**
     * Adds a workflow step: a durable consumer named after the step (see {@code
     * HeliosDB.startWorkflow}). Its channels become durable.
     */
    public Builder workflowStep(WorkflowStep step) {
      this.workflowSteps.add(Objects.requireNonNull(step, "step"));
      return this;
    }

    /**
     * Replaces the workflow steps with {@code steps}, e.g. those a file configured, changed: {@code
     * config.toBuilder().workflowSteps(config.workflowSteps().stream().map(s ->
     * s.withConsumer(s.consumer().withWorkers(4))).toList())}.
     */
    public Builder workflowSteps(List<WorkflowStep> steps) {
      List<WorkflowStep> copy = new ArrayList<>();
      for (WorkflowStep step : steps) {
        copy.add(Objects.requireNonNull(step, "step"));
      }
      this.workflowSteps = copy;
      return this;
    }

    /** A step read from a file, with where its action is written ({@code file:line}). */
    Builder workflowStep(WorkflowStep step, String actionSource) {
      workflowActionSources.put(step.name(), actionSource);
      return workflowStep(step);
    }

    /** A tracker of your own (an adapter to your metrics library); implies metrics enabled. */
    public Builder metrics(MetricsTracker tracker) {
      this.metrics = Objects.requireNonNull(tracker, "tracker");
      this.metricsEnabled = true;
      this.metricsEnabledSet = true;
      return this;
    }

    public HeliosConfig build() {
      check(
          memoryLimitMb >= 4 && memoryLimitMb <= 1_048_576,
          "memory_limit_mb",
          memoryLimitMb,
          "from 4 to 1048576");
      check(
          pageSize >= 512 && pageSize <= 65536 && Integer.bitCount(pageSize) == 1,
          "page_size",
          pageSize,
          "a power of two from 512 to 65536");
      check(busyTimeoutMs >= 0, "busy_timeout_ms", busyTimeoutMs, "zero or more");
      check(maxChannels >= 1, "max_channels", maxChannels, "at least 1");
      check(
          maxPayloadBytes >= 1 && maxPayloadBytes <= 1_048_576,
          "max_payload_bytes",
          maxPayloadBytes,
          "from 1 to 1048576");
      check(
          notificationQueueSize >= 1 && notificationQueueSize <= 16_777_216,
          "notification_queue_size",
          notificationQueueSize,
          "from 1 to 16777216");
      long minQueueBytes = minNotificationQueueBytes(maxPayloadBytes);
      if (notificationQueueBytes < minQueueBytes) {
        throw new ConfigException(
            "notification_queue_bytes = "
                + notificationQueueBytes
                + " is out of range: must be at least "
                + minQueueBytes
                + " (64 KiB, and 4 x max_payload_bytes: two of the largest notifications, at two"
                + " bytes a character)");
      }
      if (notificationQueueTotalBytes != 0
          && notificationQueueTotalBytes < notificationQueueBytes) {
        throw new ConfigException(
            "notification_queue_total_bytes = "
                + notificationQueueTotalBytes
                + " is out of range: must be 0 (no bound) or at least notification_queue_bytes = "
                + notificationQueueBytes);
      }
      if (retentionMaxCount < 1) {
        throw new ConfigException(
            "retention_max_count = "
                + retentionMaxCount
                + " is out of range: must be at least 1 (a channel that keeps nothing is simply"
                + " not durable)");
      }
      if (retentionMaxAge.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new ConfigException(
            "retention_max_age = " + retentionMaxAge + " is out of range: must be at least 1s");
      }
      ChannelPatterns.validate(new ArrayList<>(durableChannels));
      java.util.Set<String> stepNames = new java.util.HashSet<>();
      for (WorkflowStep step : workflowSteps) {
        if (!stepNames.add(step.name())) {
          throw new ConfigException(
              "workflow.steps."
                  + step.name()
                  + " is defined twice: a step name is a consumer name");
        }
      }
      if (synchronous == Synchronous.NORMAL && path != null && !enableWal) {
        throw new ConfigException(
            "synchronous = \"normal\" needs enable_wal = true: with the rollback journal, SQLite's"
                + " NORMAL can corrupt the file on a power loss; use \"full\"");
      }
      if (federationKeys != null) {
        federation = federationKeys.build();
        federationKeys = null;
      }
      if (deviceId != null && (deviceId.isBlank() || deviceId.length() > 200)) {
        throw new ConfigException(
            "device_id = \"" + deviceId + "\" must not be empty nor longer than 200 characters");
      }
      if (crossProcess && path == null) {
        throw new ConfigException(
            "cross_process = true needs a database file: an in-memory database has no other"
                + " process to share with");
      }
      return new HeliosConfig(this);
    }

    private static void check(boolean ok, String key, int value, String allowed) {
      if (!ok) {
        throw new ConfigException(key + " = " + value + " is out of range: must be " + allowed);
      }
    }
  }
}
