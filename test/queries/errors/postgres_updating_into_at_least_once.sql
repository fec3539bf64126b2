-- fail: 15:13: table 'totals' (postgres, 'sink.semantic' = 'at-least-once') only takes inserts, but this query produces updates
CREATE TABLE orders (customer_id BIGINT, amount BIGINT)
  WITH ('connector' = 'datagen', 'number-of-rows' = '10');
CREATE TABLE totals (
  customer_id BIGINT,
  total BIGINT,
  PRIMARY KEY (customer_id) NOT ENFORCED
) WITH (
  'connector' = 'postgres',
  'url' = 'postgres://postgres@127.0.0.1:5432/shop',
  'table-name' = 'totals',
  'sink.semantic' = 'at-least-once'
);

INSERT INTO totals SELECT customer_id, SUM(amount) FROM orders GROUP BY customer_id;
