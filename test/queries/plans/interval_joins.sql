-- Interval joins: bounds on both rowtimes make a join an IntervalJoin (state bounded by the watermark);
-- a bound on a column that is no time attribute leaves it a regular Join.

CREATE TABLE orders (
  id BIGINT,
  amount DOUBLE,
  order_ts TIMESTAMP(3),
  WATERMARK FOR order_ts AS order_ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000', 'fields.id.min' = '1', 'fields.id.max' = '100');

CREATE TABLE shipments (
  order_id BIGINT,
  carrier STRING,
  ship_ts TIMESTAMP(3),
  promised TIMESTAMP(3),
  WATERMARK FOR ship_ts AS ship_ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000', 'fields.order_id.min' = '1', 'fields.order_id.max' = '100');

CREATE TABLE shipped (
  id BIGINT,
  carrier STRING,
  order_ts TIMESTAMP(3),
  ship_ts TIMESTAMP(3)
) WITH ('connector' = 'filesystem', 'path' = 'out/shipped', 'format' = 'json');

CREATE TABLE unshipped (
  id BIGINT,
  carrier STRING,
  order_ts TIMESTAMP(3),
  ship_ts TIMESTAMP(3)
) WITH ('connector' = 'filesystem', 'path' = 'out/unshipped', 'format' = 'changelog-json');

SET 'parallelism.default' = '2';

-- Shipped within 4 hours of the order: an INNER interval join with a residual condition.
INSERT INTO shipped
SELECT o.id, s.carrier, o.order_ts, s.ship_ts
FROM orders o, shipments s
WHERE o.id = s.order_id
  AND s.ship_ts BETWEEN o.order_ts AND o.order_ts + INTERVAL '4' HOUR
  AND o.amount > 10;

-- Every order with the shipment of the next hour, if any: a LEFT interval join with >= and <.
INSERT INTO unshipped
SELECT o.id, s.carrier, o.order_ts, s.ship_ts
FROM orders o LEFT JOIN shipments s
  ON o.id = s.order_id AND s.ship_ts >= o.order_ts AND s.ship_ts < o.order_ts + INTERVAL '1' HOUR;

-- The upper bound is a plain TIMESTAMP column: a regular Join.
INSERT INTO unshipped
SELECT o.id, s.carrier, o.order_ts, s.ship_ts
FROM orders o JOIN shipments s
  ON o.id = s.order_id AND s.ship_ts BETWEEN o.order_ts AND s.promised;
