-- fail: 2:14: connector 'filesystem' needs option 'path' (a file or folder)
CREATE TABLE orders (
  order_id BIGINT,
  amount DOUBLE
) WITH (
  'connector' = 'filesystem',
  'format' = 'json'
);
