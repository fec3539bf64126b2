-- Total the orders of each customer read from a JSON-lines file and write the totals to files.
-- Each line of data/orders.jsonl is one order, e.g.
--   {"order_id": 1, "customer": "alice", "product": "pen", "quantity": 3, "price": 1.5}

CREATE TABLE orders (
  order_id BIGINT,
  customer VARCHAR,
  product VARCHAR,
  quantity INT,
  price DOUBLE
) WITH (
  'connector' = 'filesystem',
  'path' = 'data/orders.jsonl',
  'format' = 'json'
);

-- The totals are updated as orders are read, so the sink needs a changelog format;
-- plain 'json' only accepts inserts.
CREATE TABLE customer_totals (
  customer VARCHAR,
  orders BIGINT,
  items BIGINT,
  revenue DOUBLE
) WITH (
  'connector' = 'filesystem',
  'path' = 'out/customer_totals',
  'format' = 'changelog-json'
);

INSERT INTO customer_totals
SELECT customer, COUNT(*) AS orders, SUM(CAST(quantity AS BIGINT)) AS items, SUM(quantity * price) AS revenue
FROM orders
GROUP BY customer;
