-- fail: 9:26: not supported: OVER window aggregation (COUNT(...) OVER (...))
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT user_id, COUNT(*) OVER (PARTITION BY user_id ORDER BY ts) AS n
FROM clicks;
