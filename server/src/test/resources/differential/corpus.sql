-- The differential corpus (DifferentialCorpusTest): statements valid on PostgreSQL 15 as
-- applications, drivers and ORMs send them, run in this order on PostgreSQL 15 and on
-- `heliosdb serve`. A statement ends with ';' at the end of a line; lines starting with '--' are
-- comments. Differences that remain are listed in DifferentialCorpusTest.KNOWN and in
-- docs/server.md ("Differences from PostgreSQL 15").

-- Schema, as SQLAlchemy, Hibernate, Django and Flyway write it
DROP TABLE IF EXISTS order_lines;
DROP TABLE IF EXISTS orders;
DROP TABLE IF EXISTS "public"."customers";
DROP TABLE IF EXISTS products;
DROP TABLE IF EXISTS events;
DROP TABLE IF EXISTS tags;
DROP TABLE IF EXISTS legacy;
CREATE TABLE "public"."customers" (id SERIAL NOT NULL, email VARCHAR(100) NOT NULL, name VARCHAR(50), active BOOLEAN DEFAULT TRUE, created_at TIMESTAMP DEFAULT now(), PRIMARY KEY (id));
CREATE TABLE products (id BIGSERIAL PRIMARY KEY, sku VARCHAR(20) NOT NULL UNIQUE, title TEXT NOT NULL, price NUMERIC(10,2) NOT NULL, stock BIGINT DEFAULT 0, weight DOUBLE PRECISION, released DATE, image BYTEA, attrs JSON);
CREATE TABLE orders (id BIGSERIAL NOT NULL, customer_id BIGINT NOT NULL, placed_on DATE NOT NULL, total NUMERIC(10,2), paid BOOLEAN NOT NULL DEFAULT FALSE, note TEXT, PRIMARY KEY (id));
CREATE TABLE order_lines (order_id BIGINT NOT NULL, product_id BIGINT NOT NULL, qty BIGINT NOT NULL, PRIMARY KEY (order_id, product_id));
CREATE TABLE events (id SMALLSERIAL PRIMARY KEY, kind VARCHAR(20), at TIMESTAMP);
CREATE TABLE IF NOT EXISTS tags (id BIGINT NOT NULL, name TEXT, PRIMARY KEY (id));
CREATE TABLE legacy (id BIGINT NOT NULL, code TEXT);
CREATE INDEX ix_customers_email ON "public"."customers" (email);
CREATE UNIQUE INDEX ix_products_title ON products (title);
CREATE INDEX IF NOT EXISTS ix_orders_customer ON "public"."orders" (customer_id, placed_on);
ALTER TABLE customers ADD COLUMN phone VARCHAR(20);
ALTER TABLE "public"."products" ADD COLUMN discontinued BOOLEAN DEFAULT FALSE;
ALTER TABLE "public"."customers" ADD CONSTRAINT uq_customers_phone UNIQUE (phone);
ALTER TABLE tags ADD UNIQUE (name);
ALTER TABLE legacy ADD CONSTRAINT pk_legacy PRIMARY KEY (id);
ALTER TABLE order_lines ADD CONSTRAINT fk_lines_order FOREIGN KEY (order_id) REFERENCES orders (id);

-- Inserts, with RETURNING as ORMs use it to read generated keys
INSERT INTO customers (email, name) VALUES ('ann@example.com', 'Ann') RETURNING id;
INSERT INTO "public"."customers" (email, name, active) VALUES ('bob@example.com', 'Bob', FALSE), ('cy@example.com', 'Cy', TRUE);
INSERT INTO customers (email, name, phone) VALUES ('dee@example.com', NULL, '555-0100');
INSERT INTO products (sku, title, price, stock, weight, released, image, attrs) VALUES ('A-1', 'Anvil', 19.99, 5, 12.5, '2024-01-15', '\x0102ff'::bytea, '{"color": "black"}') RETURNING id;
INSERT INTO products (sku, title, price, stock, weight, released) VALUES ('B-2', 'Bucket', 4.50, 40, 0.75, '2024-03-01'), ('C-3', 'Chisel', 7.25, 0, 0.3, '2023-11-30') RETURNING id, sku;
INSERT INTO products (sku, title, price) VALUES ('D-4', 'Drill', 89.00) RETURNING id, title, stock, discontinued;
INSERT INTO orders (customer_id, placed_on, total, paid) VALUES (1, '2024-04-01', 24.49, TRUE) RETURNING id, placed_on, total, paid;
INSERT INTO orders (customer_id, placed_on, total) VALUES (2, '2024-04-02', 89.00), (1, '2024-05-10', 7.25), (3, '2024-05-11', NULL);
INSERT INTO order_lines (order_id, product_id, qty) VALUES (1, 1, 1), (1, 2, 1), (2, 4, 1), (3, 3, 1);
INSERT INTO events (kind, at) VALUES ('login', '2024-04-01 09:15:00'), ('logout', '2024-04-01 17:45:30') RETURNING kind, at;
INSERT INTO tags (id, name) VALUES (1, 'new'), (2, 'sale');
INSERT INTO tags (id, name) VALUES (1, 'dup') ON CONFLICT DO NOTHING;
INSERT INTO tags (id, name) VALUES (2, 'clearance') ON CONFLICT (id) DO UPDATE SET name = excluded.name;
INSERT INTO tags (id, name) VALUES (3, 'gift') ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name RETURNING id, name;
INSERT INTO order_lines (order_id, product_id, qty) VALUES (1, 1, 2) ON CONFLICT (order_id, product_id) DO UPDATE SET qty = order_lines.qty + excluded.qty RETURNING qty;

-- Updates and deletes
UPDATE products SET stock = stock - 1 WHERE sku = 'A-1';
UPDATE products SET price = 5.00 WHERE id = 2 RETURNING price;
UPDATE orders SET paid = TRUE, note = 'paid by card' WHERE customer_id = 1 AND NOT paid RETURNING total, paid;
UPDATE customers SET phone = '555-0101' WHERE email = 'bob@example.com';
UPDATE products SET discontinued = TRUE WHERE stock = 0;
UPDATE events SET kind = upper(kind) WHERE kind LIKE 'log%';
DELETE FROM tags WHERE id = 3;
DELETE FROM tags WHERE name = 'nothing';
DELETE FROM events WHERE kind = 'LOGOUT' RETURNING kind;

-- Parameters inline, as pgjdbc's simple mode and psycopg2 send them
INSERT INTO events (kind, at) VALUES ('import', '2024-06-01 08:00:00'::timestamp) RETURNING kind;
UPDATE products SET image = '\x00ff'::bytea, discontinued = 'false'::boolean WHERE sku = 'C-3'::varchar;
SELECT title FROM products WHERE id = '2'::int8;
SELECT sku, image FROM products WHERE price >= '7.25'::numeric AND released <= '2024-01-31'::date ORDER BY sku;
SELECT count(*) FROM customers WHERE active = 'true'::boolean;
DELETE FROM events WHERE kind = 'import'::text;

-- Literals and arithmetic
SELECT 1;
SELECT 41 + 1;
SELECT 7 AS seven;
SELECT -3, +4;
SELECT 2 * (3 + 4);
SELECT 7 / 2;
SELECT 7 % 3;
SELECT 3000000000;
SELECT 1.5;
SELECT 0.1 + 0.2;
SELECT 2.50 * 3;
SELECT 10.0 / 4;
SELECT 'hello';
SELECT 'it''s';
SELECT 'a' || 'b' || 'c';
SELECT NULL;
SELECT TRUE, FALSE;
SELECT 1 AS a, 'x' AS b, 2.5 AS c;

-- Casts as drivers send parameters inline and as people write them
SELECT '42'::int;
SELECT '42'::int4, '7'::int8, '3'::smallint;
SELECT 2.5::int;
SELECT -2.5::int;
SELECT '12.345'::numeric;
SELECT 3::numeric;
SELECT 1.2345::numeric(10,2);
SELECT 42::text;
SELECT 'abc'::varchar;
SELECT '2024-01-15'::date;
SELECT '2024-01-15 10:30:00'::timestamp;
SELECT '\x0aff'::bytea;
SELECT 'true'::boolean, 'f'::bool;
SELECT 1::boolean;
SELECT CAST('5' AS INTEGER);
SELECT CAST(2.5 AS INTEGER);
SELECT CAST(7.777 AS NUMERIC(5,1));
SELECT CAST(12 AS TEXT);
SELECT CAST('2024-02-29' AS DATE);
SELECT CAST(price AS INTEGER) FROM products WHERE sku = 'A-1';
SELECT '1.5'::float8;
SELECT 3::double precision / 2;

-- Comparisons, CASE, COALESCE, NULLIF
SELECT 1 = 1;
SELECT 1 < 2, 2 <> 2, 3 >= 3;
SELECT 'a' < 'b';
SELECT 2 IN (1, 2);
SELECT 5 BETWEEN 1 AND 10;
SELECT NOT (1 = 2);
SELECT NULL IS NULL, 1 IS NOT NULL;
SELECT CASE WHEN 1 > 0 THEN 'pos' ELSE 'neg' END;
SELECT CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' END;
SELECT COALESCE(NULL, 'fallback');
SELECT COALESCE(NULL, 3);
SELECT NULLIF(5, 5), NULLIF(5, 6);
SELECT sku, CASE WHEN stock > 10 THEN 'many' WHEN stock > 0 THEN 'few' ELSE 'none' END AS level FROM products ORDER BY id;
SELECT name, COALESCE(phone, 'n/a') AS phone FROM customers ORDER BY email;

-- Reading columns of each type
SELECT sku, title, price, stock, weight, released FROM products ORDER BY id;
SELECT image, attrs FROM products WHERE sku = 'A-1';
SELECT email, name, active FROM customers ORDER BY email;
SELECT active FROM customers WHERE email = 'bob@example.com';
SELECT email FROM customers WHERE active ORDER BY email;
SELECT email FROM customers WHERE NOT active;
SELECT email FROM customers WHERE active = TRUE AND name IS NOT NULL ORDER BY email;
SELECT created_at IS NOT NULL FROM customers WHERE email = 'ann@example.com';
SELECT id, customer_id, placed_on, total, paid, note FROM orders ORDER BY id;
SELECT kind, at FROM events;
SELECT * FROM tags ORDER BY id;
SELECT * FROM order_lines ORDER BY order_id, product_id;
SELECT id FROM customers WHERE email = 'cy@example.com';
SELECT p.sku AS code, p.price AS amount FROM "public"."products" p WHERE p.id = 1;
SELECT products.title FROM public.products WHERE products.price > 5 ORDER BY products.title;

-- Aggregates, GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET
SELECT count(*) FROM products;
SELECT count(name) AS named FROM customers;
SELECT count(DISTINCT customer_id) FROM orders;
SELECT sum(stock) FROM products;
SELECT sum(price) FROM products;
SELECT sum(weight) FROM products;
SELECT avg(stock) FROM products;
SELECT avg(price) FROM products;
SELECT avg(weight) FROM products;
SELECT min(stock), max(stock) FROM products;
SELECT min(price), max(price) FROM products;
SELECT min(title), max(title) FROM products;
SELECT min(released), max(released) FROM products;
SELECT max(at) FROM events;
SELECT max(id) FROM orders;
SELECT count(*) AS n, sum(total) AS revenue FROM orders WHERE paid;
SELECT customer_id, count(*) FROM orders GROUP BY customer_id ORDER BY customer_id;
SELECT customer_id, sum(total) AS spent FROM orders GROUP BY customer_id HAVING sum(total) > 20 ORDER BY spent DESC;
SELECT paid, count(*) FROM orders GROUP BY paid ORDER BY paid;
SELECT title FROM products ORDER BY price DESC LIMIT 2;
SELECT title FROM products ORDER BY title LIMIT 2 OFFSET 1;
SELECT sku FROM products ORDER BY released DESC NULLS LAST, sku;
SELECT sku FROM products ORDER BY sku OFFSET 3;

-- Joins, subqueries, EXISTS, IN
SELECT o.id, c.email FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.id;
SELECT c.email, o.total FROM customers c LEFT JOIN orders o ON o.customer_id = c.id ORDER BY c.email, o.total;
SELECT o.id, p.title, l.qty FROM order_lines l INNER JOIN orders o ON o.id = l.order_id INNER JOIN products p ON p.id = l.product_id ORDER BY o.id, p.title;
SELECT p.title, count(l.order_id) AS times FROM products p LEFT OUTER JOIN order_lines l ON l.product_id = p.id GROUP BY p.title ORDER BY p.title;
SELECT title FROM products WHERE price > (SELECT avg(price) FROM products) ORDER BY title;
SELECT email FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id) ORDER BY email;
SELECT email FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id);
SELECT title FROM products WHERE id IN (SELECT product_id FROM order_lines) ORDER BY title;
SELECT sku FROM products WHERE sku IN ('A-1', 'C-3') ORDER BY sku;
SELECT sku FROM products WHERE sku NOT IN ('A-1', 'C-3') ORDER BY sku;
SELECT t.n FROM (SELECT count(*) AS n FROM products) t;
SELECT EXISTS (SELECT 1 FROM products WHERE stock = 0);
SELECT (SELECT count(*) FROM tags) AS tag_count;

-- LIKE, ILIKE and string functions
SELECT title FROM products WHERE title LIKE 'B%';
SELECT title FROM products WHERE title ILIKE '%ILL%';
SELECT email FROM customers WHERE email NOT ILIKE 'A%' ORDER BY email;
SELECT upper('abc'), lower('ABC');
SELECT upper(title) FROM products WHERE sku = 'B-2';
SELECT length('hello');
SELECT length(title) FROM products ORDER BY id;
SELECT substr('abcdef', 2, 3);
SELECT substring('abcdef', 2, 3);
SELECT substring('abcdef' FROM 2 FOR 3);
SELECT replace('a-b-c', '-', '+');
SELECT trim('  padded  ');
SELECT ltrim('  x'), rtrim('x  ');
SELECT 'sku: ' || sku FROM products ORDER BY id LIMIT 1;
SELECT concat('a', 'b', 'c');
SELECT concat(title, ' (', sku, ')') FROM products ORDER BY id LIMIT 2;
SELECT lower(email) = 'ann@example.com' FROM customers ORDER BY email LIMIT 1;

-- Dates and now()
SELECT now() IS NOT NULL;
SELECT CURRENT_TIMESTAMP IS NOT NULL;
SELECT CURRENT_DATE IS NOT NULL;
SELECT released FROM products WHERE released >= '2024-01-01' ORDER BY released;
SELECT count(*) FROM products WHERE released BETWEEN '2024-01-01' AND '2024-12-31';
SELECT placed_on FROM orders WHERE placed_on = '2024-04-02';
SELECT kind FROM events WHERE at < '2024-04-01 12:00:00';
SELECT created_at < now() FROM customers WHERE email = 'ann@example.com';
SELECT '2024-01-15'::date < '2024-02-01'::date;

-- Transaction control
BEGIN;
INSERT INTO tags (id, name) VALUES (10, 'in-tx');
SAVEPOINT sp1;
INSERT INTO tags (id, name) VALUES (11, 'rolled-back');
ROLLBACK TO SAVEPOINT sp1;
SAVEPOINT sp2;
INSERT INTO tags (id, name) VALUES (12, 'kept');
RELEASE SAVEPOINT sp2;
COMMIT;
SELECT id, name FROM tags WHERE id >= 10 ORDER BY id;
BEGIN;
DELETE FROM tags;
ROLLBACK;
SELECT count(*) FROM tags;
START TRANSACTION;
UPDATE tags SET name = 'renamed' WHERE id = 10;
END;
BEGIN ISOLATION LEVEL READ COMMITTED;
COMMIT;

-- Settings
SET application_name = 'corpus';
SHOW application_name;
SET statement_timeout = 0;
SHOW statement_timeout;
SET client_min_messages TO warning;
SHOW client_min_messages;
SET search_path TO public;
SHOW search_path;
SET TIME ZONE 'UTC';
SHOW TimeZone;
SET extra_float_digits = 3;
SHOW standard_conforming_strings;
SHOW client_encoding;
SHOW DateStyle;
SHOW transaction_isolation;
SHOW integer_datetimes;
RESET statement_timeout;
RESET application_name;
SHOW application_name;
SELECT current_setting('application_name');
SELECT set_config('application_name', 'corpus2', false);
SELECT current_database() IS NOT NULL, current_schema();

-- LISTEN, NOTIFY, pg_notify
LISTEN orders_channel;
NOTIFY orders_channel;
NOTIFY orders_channel, 'order 1 paid';
SELECT pg_notify('orders_channel', 'order 2 paid');
UNLISTEN orders_channel;
UNLISTEN *;

-- Housekeeping statements drivers and pools send
DEALLOCATE ALL;
CLOSE ALL;
RESET ALL;
DISCARD PLANS;
DISCARD TEMP;
DISCARD ALL;

-- Advisory locks (Flyway, job queues)
SELECT pg_advisory_lock(42);
SELECT pg_try_advisory_lock(43);
SELECT pg_advisory_unlock(42);
SELECT pg_advisory_unlock(43);
SELECT pg_try_advisory_lock(1, 2);
SELECT pg_advisory_unlock_all();
BEGIN;
SELECT pg_advisory_xact_lock(7);
SELECT pg_try_advisory_xact_lock(8);
COMMIT;

-- Cleanup
DROP INDEX IF EXISTS ix_customers_email;
DROP TABLE order_lines;
DROP TABLE IF EXISTS "public"."tags";
DROP TABLE legacy;
