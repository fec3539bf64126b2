-- fail: 13:13: 'sink.semantic' = 'exactly-once' without a PRIMARY KEY) only takes inserts, but this query produces updates
CREATE TABLE orders (customer_id BIGINT, amount BIGINT)
  WITH ('connector' = 'datagen', 'number-of-rows' = '10');
CREATE TABLE totals (
  customer_id BIGINT,
  total BIGINT
) WITH (
  'connector' = 'postgres',
  'url' = 'postgres://postgres@127.0.0.1:5432/shop',
  'table-name' = 'totals'
);

INSERT INTO totals SELECT customer_id, SUM(amount) FROM orders GROUP BY customer_id;
