package io.heliosdb.nano.spring.shop;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The application of the starter's tests: JPA, a service with @Transactional, listeners. */
@SpringBootApplication
public class ShopApplication {}
