-- fail: 10:12: unknown window function 'TUMBEL'; did you mean 'TUMBLE'? (expected TUMBLE, HOP, CUMULATE or SESSION)
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT window_start, window_end, COUNT(*) AS n
FROM TABLE(TUMBEL(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY window_start, window_end;
