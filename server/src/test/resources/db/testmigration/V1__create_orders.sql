-- Issue 13 client matrix (FlywayTest): what a first migration usually writes.
CREATE TABLE orders (
    id SERIAL PRIMARY KEY,
    customer VARCHAR(40) NOT NULL,
    placed TIMESTAMP NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer ON orders (customer);
