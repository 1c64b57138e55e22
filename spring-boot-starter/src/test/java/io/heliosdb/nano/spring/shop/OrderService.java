package io.heliosdb.nano.spring.shop;

import io.heliosdb.nano.spring.HeliosTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
public class OrderService {
  private final OrderRepository orders;
  private final HeliosTemplate helios;

  public OrderService(OrderRepository orders, HeliosTemplate helios) {
    this.orders = orders;
    this.helios = helios;
  }

  /**
   * Saves an order and announces it in one transaction; {@code beforeCommit} runs after both, still
   * inside it. A customer named "fail" makes it throw there: a rollback.
   */
  @Transactional
  public long place(String customer, double amount, Runnable beforeCommit) {
    PlacedOrder order = orders.saveAndFlush(new PlacedOrder(customer, amount));
    helios.convertAndNotify("orders", new OrderPlaced(order.getId(), customer, amount));
    beforeCommit.run();
    if (customer.equals("fail")) {
      throw new IllegalStateException("rolled back on purpose");
    }
    return order.getId();
  }
}
