-- JavaScript user-defined functions: a scalar, an async scalar, an aggregate and a table function (udfs/*.js).
-- Run: npx weir run queries/examples/05_javascript_udfs.sql

CREATE TABLE orders (id BIGINT, customer BIGINT, price BIGINT) WITH (
  'connector' = 'datagen', 'number-of-rows' = '2000', 'rows-per-second' = '1000',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '2000',
  'fields.customer.min' = '1', 'fields.customer.max' = '20',
  'fields.price.min' = '1', 'fields.price.max' = '5000'
);

CREATE FUNCTION price_band AS 'udfs/price-band.js' LANGUAGE JAVASCRIPT;
CREATE FUNCTION lookup_tier AS 'udfs/lookup-tier.js' LANGUAGE JAVASCRIPT;
CREATE FUNCTION spread AS 'udfs/spread.js' LANGUAGE JAVASCRIPT;
CREATE FUNCTION digits AS 'udfs/digits.js' LANGUAGE JAVASCRIPT;

CREATE TABLE banded (id BIGINT, band STRING, tier STRING) WITH ('connector' = 'blackhole');
CREATE TABLE spreads (band STRING, spread STRING) WITH ('connector' = 'print');
CREATE TABLE price_digits (id BIGINT, digit INT, pos INT) WITH ('connector' = 'blackhole');

-- Scalar and async scalar functions in a projection.
INSERT INTO banded SELECT id, price_band(price), lookup_tier(customer) FROM orders;

-- An aggregate over an updating input (each customer's running total): spread retracts the old totals.
INSERT INTO spreads
SELECT price_band(total / 20) AS band, spread(total)
FROM (SELECT customer, SUM(price) AS total FROM orders GROUP BY customer)
GROUP BY price_band(total / 20);

-- A table function joined to each row.
INSERT INTO price_digits SELECT id, d.digit, d.pos FROM orders, LATERAL TABLE(digits(price)) AS d(digit, pos);
