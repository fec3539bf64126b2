-- fail: 2:14: table 'orders' needs a connector: add WITH ('connector' = '...'), one of nexmark, datagen, filesystem, print, postgres, blackhole
CREATE TABLE orders (
  order_id BIGINT,
  amount DOUBLE
) WITH ('path' = 'data/orders.jsonl', 'format' = 'json');
