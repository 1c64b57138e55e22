package io.heliosdb.nano.federation;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.config.FederationSettings;
import io.heliosdb.nano.config.HeliosConfig;
import java.nio.file.Path;

/**
 * The child process of {@link DurableFederationTest}'s kill -9 case: node {@code w} commits durable
 * federated notifications 1, 2, ... on {@code orders} (each its own transaction, the payload its
 * number) from {@code args[2]} on, up to {@code args[3]}, printing each number once committed, then
 * keeps running (forwarding) until killed.
 */
public final class FederatedWriter {
  public static void main(String[] args) throws Exception {
    HeliosConfig config =
        HeliosConfig.builder()
            .path(Path.of(args[0]))
            .deviceId("w")
            .durableChannels("orders")
            .federation(FederationSettings.builder().natsUrl(args[1]).channels("orders").build())
            .build();
    HeliosDB db = HeliosDB.open(config);
    long from = Long.parseLong(args[2]);
    long to = Long.parseLong(args[3]);
    for (long k = from; k <= to; k++) {
      db.execute("SELECT pg_notify('orders', ?)", String.valueOf(k));
      System.out.println(k);
      System.out.flush();
    }
    System.out.println("done");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  private FederatedWriter() {}
}
