package io.heliosdb.nano.federation;

import io.heliosdb.nano.FederationStatus;
import io.heliosdb.nano.HeliosDB;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/** What a federation test opened (servers, nodes, subscriptions), closed in reverse order. */
final class Opened implements AutoCloseable {
  private final List<AutoCloseable> open = new ArrayList<>();

  <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  /** Waits until every node is connected to NATS and subscribed. */
  static void awaitConnected(Duration wait, HeliosDB... dbs) {
    Awaitility.await()
        .atMost(wait)
        .until(
            () -> {
              for (HeliosDB db : dbs) {
                if (!db.federation().map(FederationStatus::connected).orElse(false)) {
                  return false;
                }
              }
              return true;
            });
  }

  @Override
  public void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }
}
