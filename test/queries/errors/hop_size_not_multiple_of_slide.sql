-- fail: 10:67: HOP window size must be an integral multiple of its slide: 10 s is not a multiple of 3 s
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT window_start, window_end, COUNT(*) AS n
FROM TABLE(HOP(TABLE clicks, DESCRIPTOR(ts), INTERVAL '3' SECOND, INTERVAL '10' SECOND))
GROUP BY window_start, window_end;
