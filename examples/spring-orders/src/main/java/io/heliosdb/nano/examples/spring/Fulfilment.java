package io.heliosdb.nano.examples.spring;

import io.heliosdb.nano.spring.HeliosListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Reacts to committed orders: here it logs; a real one would pack, mail, invoice. */
@Component
public class Fulfilment {
  private static final Logger log = LoggerFactory.getLogger(Fulfilment.class);

  private final List<Long> handled = new CopyOnWriteArrayList<>();

  @HeliosListener(channels = "orders")
  public void onOrder(OrderPlaced order) {
    log.info("order {} of {} for {}: packing", order.id(), order.customer(), order.amount());
    handled.add(order.id());
  }

  /** The ids of the orders handled since the start, in order. */
  public List<Long> handled() {
    return List.copyOf(handled);
  }
}
