-- fail: 9:17: DISTINCT is only allowed in aggregate functions, not in UPPER
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT user_id, UPPER(DISTINCT url) AS url FROM clicks;
