ALTER TABLE orders ADD COLUMN total NUMERIC(10, 2);
INSERT INTO orders (customer, total) VALUES ('ann', 12.50);
INSERT INTO orders (customer, total) VALUES ('bob', 3.00);
