-- fail: 11:1: UNION inputs have different column counts: 2 and 1
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT user_id, url FROM clicks
UNION ALL
SELECT user_id FROM clicks;
