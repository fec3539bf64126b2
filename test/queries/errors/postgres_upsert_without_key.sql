-- fail: 2:14: table 'totals': 'sink.semantic' = 'upsert' needs a PRIMARY KEY
CREATE TABLE totals (
  customer_id BIGINT,
  total BIGINT
) WITH (
  'connector' = 'postgres',
  'url' = 'postgres://postgres@127.0.0.1:5432/shop',
  'table-name' = 'totals',
  'sink.semantic' = 'upsert'
);
