package io.heliosdb.nano.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An orders service: {@code POST /orders} saves an order with JPA and announces it on channel
 * {@code orders} in the same transaction; {@link Fulfilment} reacts once it has committed.
 *
 * <pre>
 * ./examples/run spring-orders
 * curl -i -H 'Content-Type: application/json' -d '{"customer":"ada","amount":12.5}' localhost:8080/orders
 * </pre>
 */
@SpringBootApplication
public class SpringOrders {
  public static void main(String[] args) {
    SpringApplication.run(SpringOrders.class, args);
  }
}
