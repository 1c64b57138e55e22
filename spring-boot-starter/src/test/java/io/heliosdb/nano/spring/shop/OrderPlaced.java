package io.heliosdb.nano.spring.shop;

/** The payload of channel orders, as JSON. */
public record OrderPlaced(long id, String customer, double amount) {}
