package io.heliosdb.nano.examples.spring;

/** The body of {@code POST /orders}. */
public record NewOrder(String customer, double amount) {}
