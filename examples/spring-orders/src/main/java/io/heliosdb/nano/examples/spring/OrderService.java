package io.heliosdb.nano.examples.spring;

import io.heliosdb.nano.spring.HeliosTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
public class OrderService {
  private final OrderRepository orders;
  private final HeliosTemplate helios;

  OrderService(OrderRepository orders, HeliosTemplate helios) {
    this.orders = orders;
    this.helios = helios;
  }

  /** The order and its announcement commit together: no event for an order that is not saved. */
  @Transactional
  public OrderPlaced place(NewOrder order) {
    if (order.customer() == null || order.customer().isBlank() || order.amount() <= 0) {
      throw new IllegalArgumentException("an order needs a customer and an amount above 0");
    }
    PurchaseOrder saved = orders.save(new PurchaseOrder(order.customer(), order.amount()));
    OrderPlaced placed = new OrderPlaced(saved.getId(), saved.getCustomer(), saved.getAmount());
    helios.convertAndNotify("orders", placed);
    return placed;
  }
}
