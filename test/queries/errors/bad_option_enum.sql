-- fail: 8:14: option 'format': 'avro' is not one of 'json', 'csv', 'changelog-json'
CREATE TABLE orders (
  order_id BIGINT,
  amount DOUBLE
) WITH (
  'connector' = 'filesystem',
  'path' = 'data/orders.avro',
  'format' = 'avro'
);
