package io.heliosdb.nano.examples.spring;

import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class OrderController {
  private final OrderService service;

  OrderController(OrderService service) {
    this.service = service;
  }

  @PostMapping("/orders")
  public ResponseEntity<OrderPlaced> create(@RequestBody NewOrder order) {
    OrderPlaced placed = service.place(order);
    return ResponseEntity.created(URI.create("/orders/" + placed.id())).body(placed);
  }

  @ExceptionHandler(IllegalArgumentException.class)
  ResponseEntity<String> badOrder(IllegalArgumentException e) {
    return ResponseEntity.badRequest().body(e.getMessage());
  }
}
