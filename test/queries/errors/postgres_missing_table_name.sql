-- fail: 2:14: connector 'postgres' needs option 'table-name'
CREATE TABLE totals (customer_id BIGINT, total BIGINT) WITH (
  'connector' = 'postgres',
  'url' = 'postgres://postgres@127.0.0.1:5432/shop'
);
