package io.heliosdb.nano.examples;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.Notification;
import io.heliosdb.nano.Subscription;
import io.heliosdb.nano.config.HeliosConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One device of the IoT edge scenario (docs/federation.md): it records a simulated temperature
 * reading a second in its own database; a trigger notifies {@code critical_alerts} when a reading
 * is over the threshold; federation shares that channel with the other devices through NATS, and
 * each device prints the alerts of the others. No application code talks to NATS: the configuration
 * file's {@code [federation]} section does it.
 *
 * <pre>
 * nats-server &amp;
 * ./examples/run edge-node --device sensor_001
 * ./examples/run edge-node --device sensor_002 --threshold 24
 * </pre>
 */
public final class EdgeNode implements AutoCloseable {
  static final String CHANNEL = "critical_alerts";

  private static final String READINGS =
      """
      CREATE TABLE IF NOT EXISTS readings (
        id INTEGER PRIMARY KEY,
        device_id TEXT NOT NULL,
        sensor_type TEXT NOT NULL,
        value REAL NOT NULL,
        timestamp TEXT NOT NULL,
        alert INTEGER NOT NULL DEFAULT 0)""";

  // The brief's trigger, unchanged: NOTIFY() is pg_notify() under the name the brief uses.
  private static final String ALERT_TRIGGER =
      """
      CREATE TRIGGER IF NOT EXISTS readings_alert AFTER INSERT ON readings
      WHEN NEW.alert = 1
      BEGIN
        SELECT NOTIFY('critical_alerts', json_object('device_id', NEW.device_id,
          'sensor_type', NEW.sensor_type, 'value', NEW.value, 'timestamp', NEW.timestamp));
      END""";

  /**
   * Where and how to run; null fields take the configuration file's values.
   *
   * @param database default: {@code <device>.db} in the working directory, so that several devices
   *     can run on one machine (the file's {@code /var/lib/iot} is a real device's)
   * @param everyMillis between readings (the tests read faster)
   */
  record Options(
      Path config,
      Path database,
      String device,
      String natsUrl,
      double threshold,
      long everyMillis) {}

  private final HeliosDB db;
  private final String device;
  private final double threshold;
  private final PrintStream out;
  private final ExecutorService listener = Executors.newSingleThreadExecutor();
  private final ScheduledExecutorService sensor = Executors.newSingleThreadScheduledExecutor();
  private final Subscription alerts;

  private EdgeNode(HeliosDB db, double threshold, PrintStream out) {
    this.db = db;
    this.device = db.config().nodeName();
    this.threshold = threshold;
    this.out = out;
    this.alerts = db.pubsub().subscribe(List.of(CHANNEL), listener, this::onAlert);
  }

  /** Opens the device's database, creates the schema if missing and starts the readings. */
  static EdgeNode start(Options options, PrintStream out) {
    HeliosDB db = HeliosDB.open(config(options));
    try {
      db.execute(READINGS);
      db.execute(ALERT_TRIGGER);
      EdgeNode node = new EdgeNode(db, options.threshold(), out);
      node.sensor.scheduleAtFixedRate(
          node::recordReading, 0, options.everyMillis(), TimeUnit.MILLISECONDS);
      return node;
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /** The file's settings with the device, database and NATS server of {@code options}. */
  static HeliosConfig config(Options options) {
    HeliosConfig file = HeliosConfig.load(options.config());
    String device = options.device() != null ? options.device() : file.deviceId();
    HeliosConfig.Builder b =
        file.toBuilder()
            .deviceId(device)
            .path(options.database() != null ? options.database() : Path.of(device + ".db"));
    if (options.natsUrl() != null) {
      b.federation(file.federation().toBuilder().natsUrl(options.natsUrl()).build());
    }
    return b.build();
  }

  /** One simulated reading: around 22 °C, now and then over the threshold. */
  private void recordReading() {
    double value = Math.round((22 + 2 * ThreadLocalRandom.current().nextGaussian()) * 10) / 10.0;
    boolean alert = value > threshold;
    try {
      // The trigger notifies when alert = 1; the notification leaves the device after the commit.
      db.execute(
          "INSERT INTO readings (device_id, sensor_type, value, timestamp, alert)"
              + " VALUES (?, 'temperature', ?, ?, ?)",
          device,
          value,
          Instant.now().toString(),
          alert ? 1 : 0);
      if (alert) {
        out.printf(Locale.ROOT, "%s: temperature = %.1f, alert sent%n", device, value);
      }
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again: report it and keep measuring.
      System.err.println("edge-node: reading not recorded: " + e);
    }
  }

  /** Every alert on the channel, this device's own included: only the others' are printed. */
  private void onAlert(Notification n) {
    if (n.isOverflow() || device.equals(n.origin())) {
      return;
    }
    Map<String, Object> alert =
        db.query(
                "SELECT json_extract(j, '$.device_id') AS device_id,"
                    + " json_extract(j, '$.sensor_type') AS sensor_type,"
                    + " json_extract(j, '$.value') AS value FROM (SELECT ? AS j)",
                n.payload())
            .get(0);
    out.printf(
        Locale.ROOT,
        "ALERT from %s: %s = %.1f (threshold exceeded)%n",
        alert.get("device_id"),
        alert.get("sensor_type"),
        ((Number) alert.get("value")).doubleValue());
  }

  HeliosDB db() {
    return db;
  }

  @Override
  public void close() {
    sensor.shutdownNow();
    alerts.close();
    listener.shutdownNow();
    db.close();
  }

  static Options options(String[] args) {
    Flags f =
        new Flags(
            args, Set.of("--config", "--db", "--device", "--nats", "--threshold", "--every-ms"));
    String db = f.get("--db", null);
    return new Options(
        Path.of(f.get("--config", "examples/edge-node/edge.toml")),
        db == null ? null : Path.of(db),
        f.get("--device", null),
        f.get("--nats", null),
        f.number("--threshold", 25.0),
        f.integer("--every-ms", 1000));
  }

  public static void main(String[] args) throws InterruptedException {
    Options options;
    EdgeNode node;
    try {
      options = options(args);
      node = start(options, System.out);
    } catch (RuntimeException e) {
      System.err.println("edge-node: " + e.getMessage());
      System.exit(e instanceof IllegalArgumentException ? 2 : 1);
      return;
    }
    HeliosConfig c = node.db.config();
    System.out.printf(
        Locale.ROOT,
        "edge-node %s (%s): %s, a reading every %d ms, alerts over %.1f shared on %s through %s"
            + " (Ctrl-C stops)%n",
        c.deviceId(),
        c.location(),
        c.path(),
        options.everyMillis(),
        options.threshold(),
        CHANNEL,
        String.join(",", c.federation().natsUrls()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  node.close();
                  stopped.countDown();
                }));
    stopped.await();
  }
}
