package io.heliosdb.nano.spring.shop;

import io.heliosdb.nano.Delivery;
import io.heliosdb.nano.Notification;
import io.heliosdb.nano.spring.HeliosListener;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.springframework.stereotype.Component;

/** What the listeners received, for the tests to read. */
@Component
public class ShopListeners {
  public final BlockingQueue<OrderPlaced> orders = new LinkedBlockingQueue<>();
  public final BlockingQueue<String> flaky = new LinkedBlockingQueue<>();
  public final BlockingQueue<Notification> raw = new LinkedBlockingQueue<>();
  public final BlockingQueue<String> audited = new LinkedBlockingQueue<>();
  public final BlockingQueue<String> listenerThreads = new LinkedBlockingQueue<>();

  @HeliosListener(channels = "orders")
  public void onOrder(OrderPlaced order) {
    listenerThreads.add(Thread.currentThread().getName());
    orders.add(order);
  }

  @HeliosListener(channels = "flaky")
  public void onFlaky(String payload) {
    if (payload.equals("boom")) {
      throw new IllegalArgumentException("listener fails on purpose");
    }
    flaky.add(payload);
  }

  @HeliosListener(channels = {"raw", "raw2"})
  public void onRaw(Notification n) {
    raw.add(n);
  }

  @HeliosListener(channels = "audit", consumer = "auditor")
  public void onAudit(Delivery d) {
    audited.add(d.payload());
  }
}
