-- fail: 11:1: UNION column 1 ('user_id') has no common type: BIGINT and TIMESTAMP(3) *ROWTIME*
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '1000');

SELECT user_id, url FROM clicks
UNION ALL
SELECT ts, url FROM clicks;
