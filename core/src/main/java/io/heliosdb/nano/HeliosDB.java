package io.heliosdb.nano;

import io.heliosdb.nano.config.ConsumerSettings;
import io.heliosdb.nano.config.HeliosConfig;
import io.heliosdb.nano.config.WorkflowStep;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.federation.Federation;
import io.heliosdb.nano.notify.HubRegistry;
import io.heliosdb.nano.session.ConsumerStore;
import io.heliosdb.nano.session.Database;
import io.heliosdb.nano.session.WorkerNames;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An embedded HeliosDB database: SQLite storage with PostgreSQL's LISTEN/NOTIFY.
 *
 * <pre>{@code
 * try (HeliosDB db = HeliosDB.open(Path.of("shop.db"));
 *      Subscription sub = db.pubsub().subscribe("orders")) {
 *   db.execute("INSERT INTO orders(amount) VALUES (?)", 9.99);
 *   Notification n = sub.poll(Duration.ofSeconds(1));
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #execute} and {@link #query} share one connection and run one at a time;
 * for transactions or parallel work take your own with {@link #connection()}.
 */
public final class HeliosDB implements AutoCloseable {
  private final Database database;
  private final HubRegistry.Shared hub;
  private final PubSub pubsub;
  private final DurableSupport durable;
  private final Map<String, DurableConsumer> consumers =
      new java.util.concurrent.ConcurrentHashMap<>();
  private HeliosConnection shared;
  private boolean closed;

  private HeliosDB(HeliosConfig config) {
    this.database = Database.of(config);
    try {
      this.hub = database.acquireHub();
    } catch (SQLException e) {
      throw HeliosException.wrap(e);
    }
    // The settings in force are the first opener's in this process (see config()).
    HeliosConfig effective = hub.config();
    this.durable =
        effective.loggedChannels().isEmpty() ? null : new DurableSupport(database, effective);
    this.pubsub = new PubSub(hub, effective, durable);
  }

  /** Opens (or creates) the database file at {@code path} with default settings. */
  public static HeliosDB open(Path path) {
    return open(HeliosConfig.builder().path(path).build());
  }

  /** Opens the database {@code config} describes. */
  public static HeliosDB open(HeliosConfig config) {
    HeliosDB db = new HeliosDB(config);
    try {
      db.sharedConnection();
      db.createWorkflowConsumers();
      return db;
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /** A private in-memory database, gone when closed. */
  public static HeliosDB inMemory() {
    return open(HeliosConfig.builder().inMemory().build());
  }

  /** The settings in force (for a file opened before in this JVM: the first opener's limits). */
  public HeliosConfig config() {
    return hub.config();
  }

  /**
   * Federation's state when [federation] is configured (docs/federation.md); empty otherwise.
   * Notifications from other nodes carry their node's name in {@link Notification#origin()}.
   */
  public java.util.Optional<FederationStatus> federation() {
    if (hub.hub().outbound() instanceof Federation f) {
      return java.util.Optional.of(
          new FederationStatus(hub.hub().nodeName(), f.connected(), f.pendingForward()));
    }
    return java.util.Optional.empty();
  }

  /** Publish and subscribe outside SQL. */
  public PubSub pubsub() {
    return pubsub;
  }

  /** A new JDBC connection to this database; close it when done. */
  public HeliosConnection connection() {
    return connection(null);
  }

  /**
   * A new connection whose SQLite connection opens only at the first statement that needs one, when
   * {@code gate} allows it: LISTEN, UNLISTEN and NOTIFY outside a transaction on channels that are
   * not logged (durable, or every channel with cross_process) need none. For front ends that hold
   * many mostly idle listening sessions. Eager when {@code gate} is null.
   */
  public HeliosConnection connection(io.heliosdb.nano.session.ConnectionGate gate) {
    checkOpen();
    try {
      return ConnectionHandler.open(database, gate);
    } catch (SQLException e) {
      throw HeliosException.wrap(e);
    }
  }

  /**
   * Runs SQL and returns the number of rows changed. Without parameters the text may hold several
   * statements, run in order; with parameters, one statement with {@code ?} or {@code ?NNN}.
   */
  public synchronized int execute(String sql, Object... params) {
    try {
      HeliosConnection c = sharedConnection();
      if (params.length == 0) {
        try (Statement st = c.createStatement()) {
          st.execute(sql);
          return Math.max(0, st.getUpdateCount());
        }
      }
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, params);
        ps.execute();
        return Math.max(0, ps.getUpdateCount());
      }
    } catch (SQLException e) {
      throw HeliosException.wrap(e);
    }
  }

  /** Runs a query and returns its rows as column-name to value maps, in column order. */
  public synchronized List<Map<String, Object>> query(String sql, Object... params) {
    try (PreparedStatement ps = sharedConnection().prepareStatement(sql)) {
      bind(ps, params);
      List<Map<String, Object>> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>(n * 2);
          for (int i = 1; i <= n; i++) {
            row.put(md.getColumnLabel(i), rs.getObject(i));
          }
          rows.add(row);
        }
      }
      return rows;
    } catch (SQLException e) {
      throw HeliosException.wrap(e);
    }
  }

  /**
   * Starts the durable consumer {@code name} over durable {@code channels}, with {@code handler}
   * called for each notification after its stored position, on {@code settings.workers()} threads
   * of its own. A consumer that does not exist yet is created, starting as {@code
   * settings.startAt()} says; the settings are stored with it (the last starter's win). See {@link
   * DurableConsumer}.
   *
   * @throws HeliosException 22023 when a channel (or the dead-letter channel) is not durable; 42710
   *     when a consumer of this name already runs on this handle
   */
  public DurableConsumer consume(
      String name, List<String> channels, ConsumerSettings settings, DeliveryHandler handler) {
    checkOpen();
    java.util.Objects.requireNonNull(handler, "handler");
    DurableConsumer consumer = new DurableConsumer(this, name, channels, settings, consumers);
    if (consumers.putIfAbsent(name, consumer) != null) {
      throw new HeliosException(
          SqlState.DUPLICATE_OBJECT,
          "consumer \""
              + name
              + "\" already runs on this database handle: start it once, with more workers");
    }
    try {
      createConsumer(name, channels, settings);
      consumer.start(handler);
      return consumer;
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
  }

  /**
   * Starts the steps of {@code [workflow]} with the application's actions, by the names the steps'
   * {@code action} keys use. See {@link Workflow}.
   *
   * @throws io.heliosdb.nano.config.ConfigException naming the step and the key when a step's
   *     action is not among {@code actions} (the message lists those registered), or when no step
   *     is configured
   */
  public Workflow startWorkflow(Map<String, WorkflowAction> actions) {
    checkOpen();
    return Workflow.start(this, config().workflowSteps(), actions);
  }

  /**
   * Creates the consumers of the configured workflow steps, with their settings, so that the steps'
   * positions start now and wire workers can claim them, whether or not this process runs them.
   */
  private void createWorkflowConsumers() {
    for (WorkflowStep step : config().workflowSteps()) {
      createConsumer(step.name(), List.of(step.triggerChannel()), step.consumer());
    }
  }

  private void createConsumer(String name, List<String> channels, ConsumerSettings settings) {
    try (ConsumerStore store =
        new ConsumerStore(connection(), WorkerNames.of("setup"), config().maxPayloadBytes())) {
      store.create(name, channels, settings, config().durableChannels(), true);
    } catch (SQLException e) {
      throw HeliosException.wrap(e);
    }
  }

  private static void bind(PreparedStatement ps, Object[] params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      ps.setObject(i + 1, params[i]);
    }
  }

  private synchronized HeliosConnection sharedConnection() {
    checkOpen();
    if (shared == null) {
      shared = connection();
    }
    return shared;
  }

  private void checkOpen() {
    if (closed) {
      throw new HeliosException(
          SqlState.CONNECTION_DOES_NOT_EXIST.code(), "database is closed", null);
    }
  }

  /** Applies the durable log's retention now (it also runs every few seconds); for tests. */
  int pruneDurableLog() throws SQLException {
    return durable == null ? 0 : durable.pruneNow();
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  /** Closes the shared connection and this handle's subscriptions' hub reference. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (DurableConsumer c : List.copyOf(consumers.values())) {
      c.close();
    }
    try {
      if (shared != null) {
        shared.close();
      }
    } catch (SQLException e) {
      throw HeliosException.wrap(e);
    } finally {
      if (durable != null) {
        durable.close();
      }
      pubsub.close();
      HubRegistry.release(hub);
    }
  }
}
