package io.heliosdb.nano.examples.spring;

/** What channel {@code orders} carries, as JSON; also the answer to {@code POST /orders}. */
public record OrderPlaced(long id, String customer, double amount) {}
