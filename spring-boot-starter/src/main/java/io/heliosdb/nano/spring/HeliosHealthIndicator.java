package io.heliosdb.nano.spring;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.config.HeliosConfig;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** UP when the database answers a query; its file and durable channels as details. */
public class HeliosHealthIndicator extends AbstractHealthIndicator {
  private final HeliosDB db;

  public HeliosHealthIndicator(HeliosDB db) {
    super("HeliosDB health check failed");
    this.db = db;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    db.query("SELECT 1");
    HeliosConfig config = db.config();
    builder
        .up()
        .withDetail("database", config.inMemory() ? ":memory:" : config.path().toString())
        .withDetail("durableChannels", config.durableChannels().patterns());
  }
}
