-- fail: 8:44: cannot window on a non-time column: 'order_time' is a TIMESTAMP(3) but not a time attribute: declare WATERMARK FOR it in the table, or use a PROCTIME() column
CREATE TABLE orders (
  order_id BIGINT,
  order_time TIMESTAMP(3)
) WITH ('connector' = 'datagen');

SELECT window_start, window_end, COUNT(*) AS n
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(order_time), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end;
