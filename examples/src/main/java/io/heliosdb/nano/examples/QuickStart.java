package io.heliosdb.nano.examples;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.Notification;
import io.heliosdb.nano.Subscription;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The README's quick start: a table whose trigger notifies, a subscriber, one insert. {@code
 * QuickStartTest} runs it in the build.
 */
public final class QuickStart {
  private QuickStart() {}

  public static void main(String[] args) throws InterruptedException {
    Path file = Path.of(args.length > 0 ? args[0] : "shop.db");
    try (HeliosDB db = HeliosDB.open(file)) {
      db.execute(
          "CREATE TABLE IF NOT EXISTS orders(id INTEGER PRIMARY KEY AUTOINCREMENT, amount REAL, "
              + "ts TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))");
      db.execute(
          "CREATE TRIGGER IF NOT EXISTS orders_notify AFTER INSERT ON orders BEGIN "
              + "SELECT pg_notify('orders', json_object('id', NEW.id, 'amount', NEW.amount)); END");
      try (Subscription sub = db.pubsub().subscribe("orders")) {
        db.execute("INSERT INTO orders(amount) VALUES (?)", 9.99);
        Notification n = sub.poll(Duration.ofSeconds(1));
        System.out.println(n == null ? "no notification" : n.channel() + ": " + n.payload());
      }
    }
  }
}
