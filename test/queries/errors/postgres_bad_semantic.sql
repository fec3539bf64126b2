-- fail: 5:46: option 'sink.semantic': 'exactly_once' is not one of 'exactly-once', 'upsert', 'at-least-once'
CREATE TABLE totals (customer_id BIGINT, total BIGINT) WITH (
  'connector' = 'postgres',
  'url' = 'postgres://postgres@127.0.0.1:5432/shop',
  'table-name' = 'totals', 'sink.semantic' = 'exactly_once'
);
